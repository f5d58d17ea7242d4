/** Demo data: inserted on an empty database when asked, never duplicated by a restart. */
import { startStrapi } from './helpers/strapi';
import { waitFor } from './helpers/wait';

const counts = async (strapi: any) => ({
  customers: await strapi.db.query('api::customer.customer').count(),
  suppliers: await strapi.db.query('api::supplier.supplier').count(),
  vehicles: await strapi.db.query('api::vehicle.vehicle').count(),
  workOrders: await strapi.db.query('api::work-order.work-order').count(),
  quotes: await strapi.db.query('api::quote.quote').count(),
  purchaseOrders: await strapi.db.query('api::purchase-order.purchase-order').count(),
});

describe('demo data', () => {
  it('is not inserted unless WHATSAPP_DEMO_DATA=true', async () => {
    const app = await startStrapi();
    try {
      expect((await counts(app.strapi)).customers).toBe(0);
    } finally {
      await app.stop();
    }
  });

  it('is seeded once, with the first admin, and not duplicated on a second boot', async () => {
    const env = { WHATSAPP_DEMO_DATA: 'true', ADMIN_EMAIL: 'owner@example.com', ADMIN_PASSWORD: 'Owner-pass-1' };
    const first = await startStrapi({ env });
    const before = await counts(first.strapi);
    const phones = (await first.strapi.db.query('api::customer.customer').findMany()).map((c: any) => c.phone);
    const supplierPhones = (await first.strapi.db.query('api::supplier.supplier').findMany()).map((s: any) => s.phone);
    // Each number as the WhatsApp plugin reads it (default country MX): accepted and unchanged.
    const phone = first.strapi.plugin('whatsapp').service('phone');
    const normalized = await Promise.all([...phones, ...supplierPhones].map((p: string) => phone.normalize(p).catch((e: Error) => `refused: ${e.message}`)));
    const admins = await first.strapi.db.query('admin::user').count();
    // The inbox is alive: three conversations in Spanish, one with an open follow-up, one assigned, one new lead.
    const conversations = await first.strapi.db.query('plugin::whatsapp.conversation').findMany({ orderBy: { id: 'asc' } });
    const followUps = await first.strapi.db.query('plugin::whatsapp.follow-up').findMany({ where: { state: 'open' } });
    const messages = await first.strapi.db.query('plugin::whatsapp.message').findMany({ orderBy: { id: 'asc' } });
    const leads = await first.strapi.db.query('plugin::whatsapp.contact').findMany({ where: { isLead: true } });
    await first.stop({ keepDatabase: true });

    expect(conversations).toHaveLength(3);
    expect(conversations.filter((c: any) => c.assigneeId !== null)).toHaveLength(1);
    expect(conversations.every((c: any) => c.state === 'open' && c.unreadCount > 0 && c.lastMessagePreview)).toBe(true);
    expect(followUps).toEqual([expect.objectContaining({ kind: 'reply', relatedType: 'api::work-order.work-order', excerpt: expect.stringContaining('Paso mañana') })]);
    expect(messages.filter((m: any) => m.direction === 'in')).toHaveLength(4);
    expect(messages.filter((m: any) => m.direction === 'out').map((m: any) => m.deliveryStatus).sort()).toEqual(['delivered', 'read']);
    expect(leads.map((c: any) => c.phone)).toEqual(['+525587654321']);

    expect(before).toEqual({ customers: 4, suppliers: 2, vehicles: 4, workOrders: 4, quotes: 4, purchaseOrders: 2 });
    // Mexican, Colombian and Argentine numbers, stored in E.164.
    expect(phones).toEqual(expect.arrayContaining(['+525512345678', '+573001234567', '+5491123456789']));
    expect(normalized).toEqual([...phones, ...supplierPhones]);
    expect(admins).toBe(1);

    const second = await startStrapi({ env, db: first.db });
    try {
      expect(await counts(second.strapi)).toEqual(before);
      expect(await second.strapi.db.query('plugin::whatsapp.conversation').count()).toBe(3);
      expect(await second.strapi.db.query('admin::user').count()).toBe(1);
      const login = await second.http().post('/admin/login').send({ email: 'owner@example.com', password: 'Owner-pass-1' });
      expect(login.status).toBe(200);

      // The workshop's rules are there, enabled: marking a work order COMPLETED in the admin
      // sends "vehículo listo" through the sandbox.
      const rules = await second.strapi.db.query('plugin::whatsapp.automation').findMany({ orderBy: { id: 'asc' } });
      expect(rules.map((r: any) => [r.contentType, r.trigger, r.enabled])).toEqual([
        ['api::work-order.work-order', 'field-change', true],
        ['api::quote.quote', 'field-change', true],
        ['api::purchase-order.purchase-order', 'field-change', true],
        ['api::activity.activity', 'date', true],
      ]);
      const order = await second.strapi.db.query('api::work-order.work-order').findOne({ where: { state: 'IN_PROGRESS' } });
      const auth = `Bearer ${login.body.data.token}`;
      await second.http().put(`/content-manager/collection-types/api::work-order.work-order/${order.documentId}`).set('Authorization', auth).send({ state: 'COMPLETED' }).expect(200);
      const sent = await waitFor(async () => {
        const m = await second.strapi.db.query('plugin::whatsapp.message').findOne({ where: { relatedId: order.documentId } });
        return m?.deliveryStatus === 'sent' ? m : null;
      }, 10_000);
      expect(sent.body).toMatch(/^Hola .+, tu .+ con placas .+ ya está listo\. Puedes pasar por él al taller\. Orden OT-\d+\.$/);
      expect(sent.provider).toBe('sandbox');
    } finally {
      await second.stop();
    }
  });
});
