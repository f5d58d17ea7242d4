/**
 * Step 3, several processes on one database: two instances send N messages exactly once; a
 * worker killed with SIGKILL in the middle of a batch loses nothing and sends nothing twice.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createTestDatabase, isPostgres, type TestDatabase } from './helpers/database';
import { UID } from './helpers/whatsapp';
import { waitFor } from './helpers/wait';
import { startWorker as start, type Worker } from './helpers/worker';
import { startFakes, type Fakes } from './fakes';

// Each test boots extra app processes (workers) besides this one: on a busy 2-core machine that
// alone can take half a minute, so these tests get more time than the suite's 60 s.
jest.setTimeout(180_000);

const opaqueId = (payload: unknown) => Number((payload as { biz_opaque_callback_data?: string }).biz_opaque_callback_data);

const countPerMessage = (fakes: Fakes) => {
  const counts = new Map<number, number>();
  for (const request of fakes.meta.requests) {
    const id = opaqueId(request.body);
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
};

describe('several instances on one database', () => {
  let fakes: Fakes;
  let db: TestDatabase;
  let app: TestApp;
  let workers: Worker[] = [];
  const startWorker = async (env: Record<string, string>) => {
    const worker = await start({ ...env, WHATSAPP_WORKER: 'true' });
    workers.push(worker);
    return worker;
  };

  beforeEach(async () => {
    fakes = await startFakes();
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const worker of workers) if (worker.process.exitCode === null && !worker.process.killed) await worker.kill();
    workers = [];
    await app?.stop();
    await fakes?.close();
  });

  /** Inserts `n` messages due at `dueAt` straight into the queue (as a campaign fan-out would). */
  const enqueue = async (n: number, dueAt: Date) => {
    const contact = await app.strapi.plugin('whatsapp').service('contacts').findOrCreate('+525512345678');
    const sender = await app.strapi.db.query(UID.sender as any).findOne({ where: { provider: 'meta' } });
    await app.strapi.db.query(UID.sender as any).update({ where: { id: sender.id }, data: { messagesPerSecond: 2000 } });
    const rows = Array.from({ length: n }, (_, i) => ({
      direction: 'out',
      contactId: contact.contact.id,
      to: '+525512345678',
      from: sender.number,
      senderId: sender.id,
      body: `Mensaje ${i}`,
      category: 'service',
      deliveryStatus: 'scheduled',
      dueAt,
      attempts: 0,
      channel: 'whatsapp',
    }));
    for (const row of rows) await app.strapi.db.query(UID.message as any).create({ data: row });
    return (await app.strapi.db.query(UID.message as any).findMany({ select: ['id'] })).map((r: any) => r.id as number);
  };

  it(`two instances send ${isPostgres() ? 'PostgreSQL' : 'SQLite'} messages exactly once`, async () => {
    const env = { ...db.env, ...fakes.env, WHATSAPP_SANDBOX: 'false', WHATSAPP_BATCH_SIZE: '20' };
    app = await startStrapi({ env, db });
    const worker = await startWorker(env);
    try {
      fakes.meta.delayNext(5, 10_000); // a little latency, so both instances are busy at once
      const ids = await enqueue(300, new Date(Date.now() + 1500));
      await fakes.meta.waitForSent(300, 30_000);
      await waitFor(async () => (await app.strapi.db.query(UID.message as any).count({ where: { deliveryStatus: 'sent' } })) === 300, 15_000);

      const counts = countPerMessage(fakes);
      expect(counts.size).toBe(300);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual(ids.sort((a, b) => a - b));
      expect(await app.strapi.db.query(UID.attempt as any).count()).toBe(300);
      // Both instances did part of the work.
      const byWorker = await app.strapi.db.query(UID.attempt as any).findMany({ select: ['worker'] });
      expect(new Set(byWorker.map((a: any) => a.worker))).toEqual(new Set([app.strapi.plugin('whatsapp').service('dispatcher').owner, worker.owner]));
    } finally {
      await worker.stop();
    }
  });

  it('a worker killed with SIGKILL mid-batch: after a restart every message is sent exactly once or visibly unknown', async () => {
    const env = {
      ...db.env,
      ...fakes.env,
      WHATSAPP_SANDBOX: 'false',
      WHATSAPP_LEASE_SECONDS: '2',
      WHATSAPP_IN_DOUBT_GRACE_SECONDS: '1',
      WHATSAPP_BATCH_SIZE: '10',
      WHATSAPP_CONCURRENCY: '4',
    };
    // This process only prepares the data: its own worker is off.
    app = await startStrapi({ env: { ...env, WHATSAPP_WORKER: 'false' }, db });
    fakes.meta.delayNext(300, 10_000); // slow provider: the kill lands while requests are in flight
    const ids = await enqueue(40, new Date());
    const victim = await startWorker(env);
    await waitFor(async () => fakes.meta.requests.length >= 6, 20_000);
    await victim.kill();

    const stuck = await app.strapi.db.query(UID.message as any).count({ where: { deliveryStatus: 'sending' } });
    expect(stuck).toBeGreaterThan(0); // the kill really happened mid-batch

    const beforeKill = countPerMessage(fakes);
    fakes.meta.reset(); // answers quickly from now on
    const restarted = await startWorker(env);
    try {
      await waitFor(async () => {
        const open = await app.strapi.db.query(UID.message as any).count({ where: { deliveryStatus: { $in: ['queued', 'scheduled', 'sending'] } } });
        return open === 0;
      }, 20_000);
      const rows = await app.strapi.db.query(UID.message as any).findMany({ where: { id: { $in: ids } } });
      const byStatus: Record<string, number> = {};
      for (const r of rows) byStatus[r.deliveryStatus] = (byStatus[r.deliveryStatus] ?? 0) + 1;
      // None lost: every message is sent, or unknown (in doubt, for staff to check and retry).
      expect(Object.keys(byStatus).sort().filter((s) => s !== 'sent' && s !== 'unknown')).toEqual([]);
      expect(byStatus.unknown).toBeGreaterThan(0);
      // Nothing sent twice: each message reached the provider at most once over both lives, and
      // every message marked sent reached it exactly once.
      const after = countPerMessage(fakes);
      const total = (id: number) => (beforeKill.get(id) ?? 0) + (after.get(id) ?? 0);
      for (const row of rows) expect(total(row.id)).toBeLessThanOrEqual(1);
      for (const row of rows.filter((r: any) => r.deliveryStatus === 'sent')) expect(total(row.id)).toBe(1);
      for (const row of rows.filter((r: any) => r.deliveryStatus === 'unknown')) expect(after.has(row.id)).toBe(false);
      expect(rows.every((r: any) => r.leaseOwner === null)).toBe(true);
    } finally {
      await restarted.stop();
    }
  });
});
