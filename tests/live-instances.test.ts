/**
 * Step 4, live inbox updates across instances: on PostgreSQL the app's events travel through
 * LISTEN / NOTIFY, so an admin connected to one instance sees what another instance applied.
 * Instance A is this process; instance B is a child process answering HTTP on its own port.
 */
import request from 'supertest';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createTestDatabase, isPostgres, type TestDatabase } from './helpers/database';
import { createAdminJwt } from './helpers/auth';
import { openEventStream } from './helpers/sse';
import { metaPayload, metaText, postMeta, settleWebhooks } from './helpers/webhooks';
import { startWorker, type Worker } from './helpers/worker';

// Each test boots extra app processes (workers) besides this one: on a busy 2-core machine that
// alone can take half a minute, so these tests get more time than the suite's 60 s.
jest.setTimeout(180_000);

const env = { WHATSAPP_SANDBOX: 'true', WHATSAPP_WORKER: 'false' };

describe('live events between instances', () => {
  let db: TestDatabase;
  let app: TestApp;
  let other: Worker | null = null;
  let admin: string;

  /** Instance B, started by whichever test needs it first (each test can run alone). */
  const otherInstance = async () => {
    other ??= await startWorker({ ...db.env, ...env, TEST_WORKER_HTTP: 'true' });
    return other;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startStrapi({ env: { ...db.env, ...env }, db });
    admin = await createAdminJwt(app);
  });
  afterAll(async () => {
    if (other) await other.stop();
    await app?.stop();
  });

  it('an instance delivers its own events to its own streams (both databases)', async () => {
    const stream = await openEventStream(app, '/whatsapp/inbox/events', admin);
    try {
      const value = metaText('5215511110000', 'Lucía', 'Hola, ¿tienen cita el lunes?');
      await postMeta(app, metaPayload(value)).expect(200);
      const created = await stream.next('message.created', (data) => data.message.body === 'Hola, ¿tienen cita el lunes?');
      expect(created.data.message).toMatchObject({ direction: 'in', from: '+525511110000' });
      await settleWebhooks(app.strapi);
      // Delivered once here, not a second time when PostgreSQL echoes it back.
      await app.strapi.plugin('whatsapp').service('live').shared();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(stream.events.filter((e) => e.event === 'message.created' && e.data.message.body === 'Hola, ¿tienen cita el lunes?')).toHaveLength(1);
    } finally {
      stream.close();
    }
  });

  // LISTEN / NOTIFY is PostgreSQL's: a SQLite deployment is one instance, so there is nothing to
  // share and these two run in the PostgreSQL pass of the suite only.
  if (isPostgres()) {
    it('a webhook applied by instance A reaches an admin connected to instance B promptly, once', async () => {
      const b = await otherInstance();
      const stream = await openEventStream(b.port!, '/whatsapp/inbox/events', admin);
      try {
        expect(stream.status).toBe(200);
        const value = metaText('5215522220000', 'Mateo', 'Ya llegué por mi camioneta');
        const started = Date.now();
        await postMeta(app, metaPayload(value)).expect(200);
        // NOTIFY is pushed: it arrives in milliseconds; 10 s leaves a busy machine its margin while
        // still failing if B only learnt of it by some periodic poll or not at all.
        const created = await stream.next('message.created', (data) => data.message.body === 'Ya llegué por mi camioneta', 10_000);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(created.data.message).toMatchObject({ direction: 'in', from: '+525522220000' });
        const updated = await stream.next('conversation.updated', (data) => data.contact?.phone === '+525522220000', 10_000);
        expect(updated.data).toMatchObject({ unreadCount: 1, status: 'open' });
        await settleWebhooks(app.strapi);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(stream.events.filter((e) => e.event === 'message.created' && e.data.message.body === 'Ya llegué por mi camioneta')).toHaveLength(1);
      } finally {
        stream.close();
      }
    });

    it('an inbox action on instance B reaches an admin connected to instance A', async () => {
      const b = await otherInstance();
      // Its own conversation, applied by A.
      await postMeta(app, metaPayload(metaText('5215533330000', 'Valeria', '¿A qué hora cierran?'))).expect(200);
      await settleWebhooks(app.strapi);
      const stream = await openEventStream(app, '/whatsapp/inbox/events', admin);
      try {
        const { body } = await request(app.strapi.server.httpServer)
          .get('/whatsapp/inbox/conversations')
          .query({ 'filters[search]': '5533330000' })
          .set('Authorization', admin)
          .expect(200);
        const conversation = body.data[0];
        expect(conversation).toBeDefined();
        await request(`http://127.0.0.1:${b.port}`).post(`/whatsapp/inbox/conversations/${conversation.id}/close`).set('Authorization', admin).expect(200);
        const closed = await stream.next('conversation.updated', (data) => data.id === conversation.id && data.status === 'closed', 10_000);
        expect(closed.data.contact.phone).toBe('+525533330000');
      } finally {
        stream.close();
      }
    });
  }
});
