/**
 * Step 1: the app boots with the plugin loaded, REST answers to API tokens and
 * users-permissions JWTs, GraphQL answers, business records round-trip.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createApiToken, createUserJwt, grantToRole } from './helpers/auth';
import { isPostgres } from './helpers/database';

describe('foundation', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('GET /api/whatsapp/health says the plugin is loaded, on which database, in which mode', async () => {
    const res = await app.http().get('/api/whatsapp/health').expect(200);
    expect(res.body).toEqual({
      data: {
        plugin: 'whatsapp',
        sandbox: true,
        database: isPostgres() ? 'postgres' : 'sqlite',
        queue: { due: 0, oldestDueAgeSeconds: null, inDoubt: 0 },
        lastWebhookAt: null,
        // How live events reach other instances: LISTEN on PostgreSQL, this process only on SQLite.
        live: isPostgres() ? { mode: 'listen', connected: expect.any(Boolean) } : { mode: 'local', connected: true },
      },
    });
  });

  it('refuses the business API without credentials', async () => {
    const res = await app.http().get('/api/work-orders');
    expect(res.status).toBe(403);
  });

  it('creates, reads, updates and deletes a work order through REST with an API token', async () => {
    const customer = await app
      .http()
      .post('/api/customers')
      .set('Authorization', token)
      .send({ data: { name: 'Ana López', phone: '+52 55 1111 2222', country: 'MX' } })
      .expect(201);

    const created = await app
      .http()
      .post('/api/work-orders')
      .set('Authorization', token)
      .send({ data: { number: 'OT-T-1', customer: customer.body.data.documentId } })
      .expect(201);
    const id = created.body.data.documentId;
    expect(created.body.data).toMatchObject({ number: 'OT-T-1', state: 'DRAFT' });

    const updated = await app
      .http()
      .put(`/api/work-orders/${id}`)
      .set('Authorization', token)
      .send({ data: { state: 'COMPLETED' } })
      .expect(200);
    expect(updated.body.data.state).toBe('COMPLETED');

    const read = await app
      .http()
      .get(`/api/work-orders/${id}?populate=customer`)
      .set('Authorization', token)
      .expect(200);
    expect(read.body.data).toMatchObject({ number: 'OT-T-1', state: 'COMPLETED', customer: { name: 'Ana López' } });

    await app.http().delete(`/api/work-orders/${id}`).set('Authorization', token).expect(204);
    await app.http().get(`/api/work-orders/${id}`).set('Authorization', token).expect(404);
    const stored = await app.strapi.db.query('api::work-order.work-order').count({ where: { number: 'OT-T-1' } });
    expect(stored).toBe(0);
  });

  it('rejects a work order with a state outside its workflow', async () => {
    const res = await app
      .http()
      .post('/api/work-orders')
      .set('Authorization', token)
      .send({ data: { number: 'OT-T-2', state: 'LOST' } })
      .expect(400);
    expect(res.body.error.name).toBe('ValidationError');
    expect(await app.strapi.db.query('api::work-order.work-order').count({ where: { number: 'OT-T-2' } })).toBe(0);
  });

  it('serves a users-permissions user according to the role permissions', async () => {
    const jwt = await createUserJwt(app);
    await app.http().get('/api/quotes').set('Authorization', jwt).expect(403);

    await grantToRole(app.strapi, 'authenticated', ['api::quote.quote.find']);
    await app.strapi.documents('api::quote.quote').create({ data: { number: 'COT-T-1', total: 100 } });
    const res = await app.http().get('/api/quotes').set('Authorization', jwt).expect(200);
    expect(res.body.data.map((q: { number: string }) => q.number)).toContain('COT-T-1');
  });

  it('answers GraphQL queries', async () => {
    await app.strapi.documents('api::supplier.supplier').create({ data: { name: 'Refacciones GQL' } });
    const res = await app
      .http()
      .post('/graphql')
      .set('Authorization', token)
      .send({ query: '{ suppliers { documentId name } }' })
      .expect(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.suppliers.map((s: { name: string }) => s.name)).toContain('Refacciones GQL');
  });
});
