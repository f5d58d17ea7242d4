/**
 * Never lost: the automation is written in the business save's own transaction, so an instance
 * killed (SIGKILL) right after the save answered leaves a pending run, which the next start
 * sends, once.
 */
import request from 'supertest';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createTestDatabase, type TestDatabase } from './helpers/database';
import { createApiToken } from './helpers/auth';
import { uniqueMexicanNumber } from './helpers/factories';
import { waitFor } from './helpers/wait';
import { startWorker, type Worker } from './helpers/worker';
import { UID } from './helpers/whatsapp';

// Each test boots extra app processes (workers) besides this one: on a busy 2-core machine that
// alone can take half a minute, so these tests get more time than the suite's 60 s.
jest.setTimeout(180_000);

const RUN = 'plugin::whatsapp.automation-run';
const WORK_ORDER = 'api::work-order.work-order';

describe('an instance killed right after a business save', () => {
  let db: TestDatabase;
  let app: TestApp | undefined;
  let victim: Worker | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (victim && victim.process.exitCode === null && !victim.process.killed) await victim.kill();
    await app?.stop();
  });

  it('leaves the automation pending in the database, and the next start sends it once', async () => {
    // Set up with no worker running anywhere: nothing is processed until the restart.
    const env = { ...db.env, WHATSAPP_WORKER: 'false' };
    app = await startStrapi({ env, db });
    const token = await createApiToken(app.strapi);
    await app
      .http()
      .post('/api/whatsapp/templates')
      .set('Authorization', token)
      .send({ data: { name: 'listo', body: 'Hola {{nombre}}, tu vehículo está listo ({{orden}})' } })
      .expect(201);
    await app
      .http()
      .post('/api/whatsapp/automations')
      .set('Authorization', token)
      .send({ data: { name: 'Listo', contentType: WORK_ORDER, field: 'state', toValue: 'COMPLETED', recipient: 'customer.phone', template: 'listo', variables: { nombre: 'customer.name', orden: 'number' } } })
      .expect(201);
    const { e164 } = uniqueMexicanNumber();
    const customer = await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'Luis', phone: e164 } as any });
    const order = await app.strapi.documents(WORK_ORDER as any).create({ data: { number: 'OT-9001', state: 'IN_PROGRESS', customer: customer.documentId } as any });

    // Another instance takes the save over HTTP, answers, and is killed at once.
    victim = await startWorker({ ...env, TEST_WORKER_HTTP: 'true' });
    const saved = await request(`http://127.0.0.1:${victim.port}`).put(`/api/work-orders/${order.documentId}`).set('Authorization', token).send({ data: { state: 'COMPLETED' } });
    expect(saved.status).toBe(200);
    await victim.kill();

    // The save and its automation committed together: the order is COMPLETED, the run pending.
    expect((await app.strapi.db.query(WORK_ORDER as any).findOne({ where: { documentId: order.documentId } })).state).toBe('COMPLETED');
    const pending = await app.strapi.db.query(RUN as any).findMany({ where: { recordId: order.documentId } });
    expect(pending.map((r: any) => r.state)).toEqual(['pending']);
    expect(await app.strapi.db.query(UID.message as any).count({ where: { relatedId: order.documentId } })).toBe(0);

    // The next start (with its worker) sends it.
    await app.stop({ keepDatabase: true });
    app = await startStrapi({ env: { ...db.env, WHATSAPP_WORKER: 'true' }, db });
    const started = app;
    await waitFor(async () => {
      const [run] = await started.strapi.db.query(RUN as any).findMany({ where: { recordId: order.documentId } });
      return run && !['pending', 'processing'].includes(run.state) ? run : null;
    });
    const messages = await app.strapi.db.query(UID.message as any).findMany({ where: { relatedId: order.documentId } });
    expect(messages.map((m: any) => m.body)).toEqual(['Hola Luis, tu vehículo está listo (OT-9001)']);

    // And a further restart does not send it again.
    await app.stop({ keepDatabase: true });
    app = await startStrapi({ env: { ...db.env, WHATSAPP_WORKER: 'true' }, db });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await app.strapi.db.query(UID.message as any).count({ where: { relatedId: order.documentId } })).toBe(1);
    expect(await app.strapi.db.query(RUN as any).count({ where: { recordId: order.documentId } })).toBe(1);
  });
});
