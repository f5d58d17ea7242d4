/**
 * The admin's Content Manager, as a Super Admin uses it over HTTP: every business type and a
 * campaign are created and edited (no attribute is named `status`, which Strapi 5 reserves for
 * draft / published: it answered "Invalid status" before), and a message shows its delivery
 * status (it showed blank).
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { setLastInbound, UID, waitForStatus } from './helpers/whatsapp';

describe('Content Manager (Super Admin)', () => {
  let app: TestApp;
  let admin: string;

  const cm = (uid: string) => `/content-manager/collection-types/${uid}`;
  const create = (uid: string, data: Record<string, unknown>) => app.http().post(cm(uid)).set('Authorization', admin).send(data);
  const update = (uid: string, documentId: string, data: Record<string, unknown>) =>
    app.http().put(`${cm(uid)}/${documentId}`).set('Authorization', admin).send(data);
  const read = (uid: string, documentId: string) => app.http().get(`${cm(uid)}/${documentId}`).set('Authorization', admin);
  const link = (documentId: string) => ({ connect: [{ documentId }], disconnect: [] });

  /** Creates through the Content Manager (201), edits (200), reads the edit back. */
  const roundTrip = async (uid: string, data: Record<string, unknown>, change: Record<string, unknown>) => {
    const created = await create(uid, data);
    expect({ status: created.status, error: created.body.error }).toEqual({ status: 201, error: undefined });
    const documentId: string = created.body.data.documentId;
    const updated = await update(uid, documentId, change);
    expect({ status: updated.status, error: updated.body.error }).toEqual({ status: 200, error: undefined });
    expect(updated.body.data).toMatchObject(change);
    const again = await read(uid, documentId).expect(200);
    expect(again.body.data).toMatchObject(change);
    return created.body.data as Record<string, any>;
  };

  beforeAll(async () => {
    app = await startStrapi();
    admin = await createAdminJwt(app);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('creates and edits customers, suppliers, vehicles, work orders, quotes and purchase orders', async () => {
    const customer = await roundTrip('api::customer.customer', { name: 'Lucía Pérez', phone: '+525512340001', country: 'MX' }, { email: 'lucia@example.com' });
    const supplier = await roundTrip('api::supplier.supplier', { name: 'Refacciones del Norte', phone: '+528112340002' }, { email: 'ventas@example.com' });
    const vehicle = await roundTrip('api::vehicle.vehicle', { plate: 'CM-001', make: 'Nissan', customer: link(customer.documentId) }, { model: 'Versa' });

    const workOrder = await roundTrip(
      'api::work-order.work-order',
      { number: 'OT-CM-1', state: 'DRAFT', customer: link(customer.documentId), vehicle: link(vehicle.documentId) },
      { state: 'IN_PROGRESS', notes: 'Cambio de balatas' }
    );
    expect(workOrder.state).toBe('DRAFT');
    await roundTrip(
      'api::quote.quote',
      { number: 'COT-CM-1', state: 'DRAFT', customer: link(customer.documentId), workOrder: link(workOrder.documentId), total: 2050 },
      { state: 'SENT' }
    );
    await roundTrip('api::purchase-order.purchase-order', { number: 'OC-CM-1', supplier: link(supplier.documentId), total: 950 }, { state: 'RECEIVED' });

    const stored = await app.strapi.db.query('api::work-order.work-order').findOne({ where: { number: 'OT-CM-1' } });
    expect(stored).toMatchObject({ state: 'IN_PROGRESS', notes: 'Cambio de balatas' });
  });

  it('a state outside the workflow is still refused there, with the field named', async () => {
    const res = await create('api::work-order.work-order', { number: 'OT-CM-2', state: 'LOST' }).expect(400);
    expect(res.body.error.name).toBe('ValidationError');
    expect(JSON.stringify(res.body.error.details)).toContain('state');
  });

  it('creates and edits a campaign', async () => {
    // Its state moves only through launch / pause / resume / cancel: a draft stays a draft here.
    const campaign = await roundTrip('plugin::whatsapp.campaign', { name: 'Promo diciembre', pacingSeconds: 2 }, { name: 'Promo de enero' });
    expect(campaign.state).toBe('draft');
  });

  it('shows a message with its delivery status (read-only there)', async () => {
    const token = await createApiToken(app.strapi);
    // Free text needs the 24-hour window: the contact wrote a minute ago.
    await setLastInbound(app.strapi, '+525512340001', new Date(Date.now() - 60_000));
    const res = await app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data: { to: '+525512340001', body: 'Su auto está listo' } });
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
    const message = res.body.data;
    await waitForStatus(app.strapi, message.id, ['sent']);

    const one = await read(UID.message, message.documentId).expect(200);
    expect(one.body.data).toMatchObject({ id: message.id, deliveryStatus: 'sent', to: '+525512340001' });
    const list = await app.http().get(`${cm(UID.message)}?page=1&pageSize=10`).set('Authorization', admin).expect(200);
    expect(list.body.results.find((m: any) => m.id === message.id)).toMatchObject({ deliveryStatus: 'sent' });
    const filtered = await app.http().get(`${cm(UID.message)}?filters[$and][0][deliveryStatus][$eq]=sent`).set('Authorization', admin).expect(200);
    expect(filtered.body.results.map((m: any) => m.id)).toContain(message.id);

    // History: the Content Manager may show it, not change it.
    const edit = await update(UID.message, message.documentId, { deliveryStatus: 'read' });
    expect(edit.status).toBe(403);
  });
});
