/**
 * Step 2, through REST in sandbox mode: creating messages (now and scheduled), every rule that
 * refuses one (and writes nothing), idempotency, consent, the 24-hour window, cancel / retry,
 * and the attempt log.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { count, messageRow, setLastInbound, settle, snapshot, UID, waitForStatus } from './helpers/whatsapp';

describe('messages (sandbox provider)', () => {
  let app: TestApp;
  let token: string;
  let admin: string;

  const post = (data: unknown, headers: Record<string, string> = {}) =>
    app.http().post('/api/whatsapp/messages').set('Authorization', token).set(headers).send({ data });

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
    admin = await createAdminJwt(app);
    await app
      .http()
      .post('/api/whatsapp/templates')
      .set('Authorization', token)
      .send({
        data: {
          name: 'entrega',
          category: 'utility',
          body: 'Hola {{nombre}}, tu {{producto}} llega el {{fecha}}.',
          metaName: 'entrega_pedido',
          metaLanguage: 'es_MX',
          metaParameters: ['nombre', 'producto', 'fecha'],
        },
      })
      .expect(201);
    await app
      .http()
      .post('/api/whatsapp/templates')
      .set('Authorization', token)
      .send({ data: { name: 'promo', category: 'marketing', body: '¡{{nombre}}, 20% de descuento hoy!' } })
      .expect(201);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('sends a template message now: 201 with E.164 recipient and rendered body, then sent by the sandbox', async () => {
    const res = await post({ to: '55 1234 5678', template: 'entrega', variables: { nombre: 'María', producto: 'pedido #12', fecha: '3 de mayo' } }).expect(201);
    expect(res.body.meta.sandbox).toBe(true);
    expect(res.body.data).toMatchObject({
      to: '+525512345678',
      status: 'queued',
      body: 'Hola María, tu pedido #12 llega el 3 de mayo.',
      template: 'entrega',
      category: 'utility',
    });
    expect(new Date(res.body.data.dueAt).getTime()).toBeLessThanOrEqual(Date.now());

    const row = await waitForStatus(app.strapi, res.body.data.id, ['sent']);
    expect(row.provider).toBe('sandbox');
    expect(row.providerMessageId).toMatch(/^sandbox-/);
    expect(row.channel).toBe('whatsapp');

    const detail = await app.http().get(`/api/whatsapp/messages/${res.body.data.id}`).set('Authorization', token).expect(200);
    expect(detail.body.data.status).toBe('sent');
    expect(detail.body.data.statusTimes.sent).toBeTruthy();
    expect(detail.body.data.attemptLog).toHaveLength(1);
    expect(detail.body.data.attemptLog[0]).toMatchObject({ number: 1, provider: 'sandbox', outcome: 'sent' });

    // The contact was created once, with the normalised number.
    expect(await count(app.strapi, UID.contact, { phone: '+525512345678' })).toBe(1);
  });

  it('the same Mexican number written as Meta reports it is the same contact', async () => {
    await post({ to: '5215512345678', template: 'entrega', variables: { nombre: 'María', producto: 'x', fecha: 'y' } }).expect(201);
    await post({ to: '+52 1 55 1234 5678', template: 'entrega', variables: { nombre: 'María', producto: 'x', fecha: 'y' } }).expect(201);
    expect(await count(app.strapi, UID.contact, { phone: '+525512345678' })).toBe(1);
  });

  it('schedules a message for later: status scheduled, due at sendAt, not sent before', async () => {
    const sendAt = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const res = await post({ to: '+57 300 123 4567', template: 'entrega', variables: { nombre: 'Camila', producto: 'pedido', fecha: 'mañana' }, sendAt }).expect(201);
    expect(res.body.data).toMatchObject({ status: 'scheduled', to: '+573001234567', dueAt: sendAt });
    await new Promise((r) => setTimeout(r, 300));
    await settle(app.strapi);
    expect((await messageRow(app.strapi, res.body.data.id)).deliveryStatus).toBe('scheduled');
  });

  it('cancels a scheduled message, and then refuses to cancel it again', async () => {
    const sendAt = new Date(Date.now() + 60_000).toISOString();
    const res = await post({ to: '+525512345678', template: 'entrega', variables: { nombre: 'A', producto: 'B', fecha: 'C' }, sendAt }).expect(201);
    const cancelled = await app.http().post(`/api/whatsapp/messages/${res.body.data.id}/cancel`).set('Authorization', token).expect(200);
    expect(cancelled.body.data.status).toBe('cancelled');
    expect(cancelled.body.data.statusTimes.cancelled).toBeTruthy();
    const again = await app.http().post(`/api/whatsapp/messages/${res.body.data.id}/cancel`).set('Authorization', token).expect(409);
    expect(again.body.error.details.errors[0]).toMatchObject({ path: ['status'], rule: 'not-cancellable' });
    expect(await count(app.strapi, UID.attempt, { messageId: res.body.data.id })).toBe(0);
  });

  describe('idempotency', () => {
    it('the same Idempotency-Key header returns the same message, never a second one', async () => {
      const data = { to: '+525512345678', template: 'entrega', variables: { nombre: 'A', producto: 'B', fecha: 'C' } };
      const first = await post(data, { 'Idempotency-Key': 'order-77-shipped' }).expect(201);
      const second = await post(data, { 'Idempotency-Key': 'order-77-shipped' }).expect(200);
      expect(second.body.data.id).toBe(first.body.data.id);
      expect(second.body.meta.idempotentReplay).toBe(true);
      expect(await count(app.strapi, UID.message, { idempotencyKey: 'order-77-shipped' })).toBe(1);
    });

    it('the idempotencyKey field works the same, also under concurrent requests', async () => {
      const data = { to: '+525512345678', template: 'entrega', variables: { nombre: 'A', producto: 'B', fecha: 'C' }, idempotencyKey: 'wo-9-completed' };
      const results = await Promise.all([post(data), post(data), post(data)]);
      const ids = new Set(results.map((r) => r.body.data.id));
      expect(ids.size).toBe(1);
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201]);
      expect(await count(app.strapi, UID.message, { idempotencyKey: 'wo-9-completed' })).toBe(1);
    });
  });

  describe('bad input is refused with the field and the rule, and writes nothing', () => {
    const cases: Array<[string, unknown, number, string[], string]> = [
      ['invalid phone', { to: '12', template: 'entrega', variables: { nombre: 'a', producto: 'b', fecha: 'c' } }, 422, ['to'], 'phone'],
      ['letters as phone', { to: 'call me', body: 'hola' }, 422, ['to'], 'phone'],
      ['unknown template', { to: '+525512345678', template: 'no-such-template', variables: {} }, 422, ['template'], 'unknown'],
      ['missing variable', { to: '+525512345678', template: 'entrega', variables: { nombre: 'a', producto: 'b' } }, 422, ['variables', 'fecha'], 'required'],
      ['text too long', { to: '+525512345678', body: 'x'.repeat(4097) }, 422, ['body'], 'max-length'],
      ['sendAt in the past', { to: '+525512345678', template: 'entrega', variables: { nombre: 'a', producto: 'b', fecha: 'c' }, sendAt: '2020-01-01T00:00:00Z' }, 422, ['sendAt'], 'future'],
      ['sendAt not a date', { to: '+525512345678', template: 'entrega', variables: { nombre: 'a', producto: 'b', fecha: 'c' }, sendAt: 'next tuesday' }, 400, ['sendAt'], 'date'],
      ['sendAt a day that does not exist (not rolled over to March 2)', { to: '+525512345678', template: 'entrega', variables: { nombre: 'a', producto: 'b', fecha: 'c' }, sendAt: '2031-02-30T10:00:00Z' }, 400, ['sendAt'], 'date'],
      ['free text outside the 24-hour window', { to: '+525587654321', body: 'Hola, ¿cómo va todo?' }, 422, ['body'], 'service-window'],
      ['marketing without consent', { to: '+525511112222', template: 'promo', variables: { nombre: 'Ana' } }, 422, ['to'], 'consent'],
    ];

    it.each(cases)('%s', async (_name, data, status, path, rule) => {
      await settle(app.strapi);
      const before = await snapshot(app.strapi);
      const res = await post(data).expect(status);
      expect(res.body.data).toBeNull();
      expect(res.body.error.status).toBe(status);
      expect(res.body.error.message).toEqual(expect.any(String));
      expect(res.body.error.details.errors[0]).toMatchObject({ path, rule });
      expect(await snapshot(app.strapi)).toEqual(before);
    });

    it('counts text as WhatsApp does, in characters: 4,096 emoji (8,192 UTF-16 units) are accepted, 4,097 refused', async () => {
      await setLastInbound(app.strapi, '+525512349876', new Date());
      const ok = await post({ to: '+525512349876', body: '🚗'.repeat(4096) }).expect(201);
      expect(ok.body.data.body).toHaveLength(8192);
      const tooLong = await post({ to: '+525512349876', body: '🚗'.repeat(4097) }).expect(422);
      expect(tooLong.body.error.details.errors[0]).toMatchObject({ path: ['body'], rule: 'max-length' });
      expect(tooLong.body.error.message).toMatch(/4097 characters/);
    });

    it('a malformed body: no data envelope, unknown field, both template and body', async () => {
      await settle(app.strapi);
      const before = await snapshot(app.strapi);
      const noEnvelope = await app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ to: '+525512345678', body: 'x' }).expect(400);
      expect(noEnvelope.body.error.details.errors[0].path).toEqual(['data']);
      const unknown = await post({ to: '+525512345678', body: 'x', colour: 'red' }).expect(400);
      expect(unknown.body.error.message).toMatch(/colour/);
      const both = await post({ to: '+525512345678', body: 'x', template: 'entrega' }).expect(400);
      expect(both.body.error.message).toMatch(/either template or body/);
      const neither = await post({ to: '+525512345678' }).expect(400);
      expect(neither.body.error.message).toMatch(/template or a body/);
      expect(await snapshot(app.strapi)).toEqual(before);
    });
  });

  describe('the 24-hour customer-service window', () => {
    it('allows free text when the contact wrote within 24 hours, refuses it after', async () => {
      await setLastInbound(app.strapi, '+525533334444', new Date(Date.now() - 23 * 3600_000));
      const ok = await post({ to: '55 3333 4444', body: 'Claro, su cita es a las 10.' }).expect(201);
      expect(ok.body.data).toMatchObject({ category: 'service', body: 'Claro, su cita es a las 10.' });
      await waitForStatus(app.strapi, ok.body.data.id, ['sent']);

      await setLastInbound(app.strapi, '+525533334444', new Date(Date.now() - 25 * 3600_000));
      const late = await post({ to: '55 3333 4444', body: '¿Sigue ahí?' }).expect(422);
      expect(late.body.error.details.errors[0]).toMatchObject({ path: ['body'], rule: 'service-window' });
      // A template is always allowed outside the window.
      await post({ to: '55 3333 4444', template: 'entrega', variables: { nombre: 'a', producto: 'b', fecha: 'c' } }).expect(201);
    });
  });

  describe('consent', () => {
    it('marketing goes only after marketing consent is granted, and stops when revoked', async () => {
      const contact = await app
        .http()
        .post('/api/whatsapp/contacts')
        .set('Authorization', token)
        .send({ data: { phone: '+54 9 11 2345 6789', name: 'Lucas' } })
        .expect(201);
      expect(contact.body.data).toMatchObject({ phone: '+5491123456789', marketingConsent: false });
      const id = contact.body.data.documentId;

      await post({ to: '+5491123456789', template: 'promo', variables: { nombre: 'Lucas' } }).expect(422);

      const granted = await app
        .http()
        .post(`/api/whatsapp/contacts/${id}/consent`)
        .set('Authorization', token)
        .send({ data: { purpose: 'marketing', granted: true, method: 'form', evidence: 'Formulario web 2026-11-01' } })
        .expect(201);
      expect(granted.body.data.contact.marketingConsent).toBe(true);
      const sent = await post({ to: '+5491123456789', template: 'promo', variables: { nombre: 'Lucas' } }).expect(201);
      expect(sent.body.data.category).toBe('marketing');

      await app
        .http()
        .post(`/api/whatsapp/contacts/${id}/consent`)
        .set('Authorization', token)
        .send({ data: { purpose: 'marketing', granted: false, method: 'api', evidence: 'Pidió la baja por teléfono' } })
        .expect(201);
      await post({ to: '+5491123456789', template: 'promo', variables: { nombre: 'Lucas' } }).expect(422);

      // The ledger keeps both entries, in order; the contact carries the current state.
      const detail = await app.http().get(`/api/whatsapp/contacts/${id}`).set('Authorization', token).expect(200);
      expect(detail.body.data.marketingConsent).toBe(false);
      expect(detail.body.data.consentHistory.map((c: any) => [c.purpose, c.granted, c.method])).toEqual([
        ['marketing', true, 'form'],
        ['marketing', false, 'api'],
      ]);
    });

    it('transactional messages follow the setting: implicit by default, required when set', async () => {
      await post({ to: '+525566667777', template: 'entrega', variables: { nombre: 'a', producto: 'b', fecha: 'c' } }).expect(201);
      await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { transactionalConsent: 'required' } }).expect(200);
      try {
        const refused = await post({ to: '+525566668888', template: 'entrega', variables: { nombre: 'a', producto: 'b', fecha: 'c' } }).expect(422);
        expect(refused.body.error.details.errors[0]).toMatchObject({ path: ['to'], rule: 'consent' });
      } finally {
        await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { transactionalConsent: 'implicit' } }).expect(200);
      }
    });
  });

  describe('failures in the sandbox', () => {
    afterEach(async () => {
      app.strapi.config.set('plugin::whatsapp.sandboxFailure', null);
    });

    it('the sandbox failure mode is a test switch, not a setting: the settings API refuses it', async () => {
      const res = await app
        .http()
        .put('/whatsapp/settings')
        .set('Authorization', admin)
        .send({ data: { sandboxFailure: { code: '131026', kind: 'permanent' } } })
        .expect(400);
      expect(JSON.stringify(res.body.error)).toMatch(/sandboxFailure/);
    });

    it('a permanent provider error fails the message with its code, logged as an attempt; retry sends it again', async () => {
      app.strapi.config.set('plugin::whatsapp.sandboxFailure', { code: '131026', kind: 'permanent', message: 'Message undeliverable' });
      const res = await post({ to: '+525512345678', template: 'entrega', variables: { nombre: 'a', producto: 'b', fecha: 'c' } }).expect(201);
      const failed = await waitForStatus(app.strapi, res.body.data.id, ['failed']);
      expect(failed.errorCode).toBe('131026');
      expect(failed.errorText).toMatch(/undeliverable/i);
      const attempts = await app.strapi.db.query(UID.attempt as any).findMany({ where: { messageId: res.body.data.id } });
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ outcome: 'failed', providerCode: '131026', provider: 'sandbox' });

      app.strapi.config.set('plugin::whatsapp.sandboxFailure', null);
      const retried = await app.http().post(`/api/whatsapp/messages/${res.body.data.id}/retry`).set('Authorization', token).expect(200);
      expect(retried.body.data.status).toBe('queued');
      const sent = await waitForStatus(app.strapi, res.body.data.id, ['sent']);
      expect(sent.attempts).toBe(2);
      expect(await count(app.strapi, UID.attempt, { messageId: res.body.data.id })).toBe(2);
    });

    it('a transient error puts the message back in the queue with a later due time', async () => {
      app.strapi.config.set('plugin::whatsapp.sandboxFailure', { code: '131000', kind: 'transient', message: 'Something went wrong' });
      const before = Date.now();
      const res = await post({ to: '+525512345678', template: 'entrega', variables: { nombre: 'a', producto: 'b', fecha: 'c' } }).expect(201);
      const queued = await waitForRequeued(res.body.data.id);
      expect(queued.errorCode).toBe('131000');
      // About a minute after the attempt, which happened between `before` and now.
      const due = new Date(queued.dueAt).getTime();
      expect(due).toBeGreaterThan(before + 50_000);
      expect(due).toBeLessThan(Date.now() + 70_000);
    });

    const waitForRequeued = async (id: number) => {
      for (let i = 0; i < 600; i += 1) {
        const row = await messageRow(app.strapi, id);
        if (row.deliveryStatus === 'queued' && row.attempts === 1) return row;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('message was not re-queued');
    };
  });

  it('lists messages with filters and pagination', async () => {
    // Its own messages: two scheduled and two sent now, whatever ran before.
    const later = new Date(Date.now() + 3600_000).toISOString();
    const variables = { nombre: 'a', producto: 'b', fecha: 'c' };
    for (const sendAt of [later, later, undefined, undefined]) await post({ to: '+525512345678', template: 'entrega', variables, sendAt }).expect(201);
    const list = await app.http().get('/api/whatsapp/messages?filters[status]=scheduled&pagination[pageSize]=2').set('Authorization', token).expect(200);
    expect(list.body.meta.pagination).toMatchObject({ page: 1, pageSize: 2 });
    expect(list.body.data.every((m: any) => m.status === 'scheduled')).toBe(true);
    const byTemplate = await app.http().get('/api/whatsapp/messages?filters[status]=sent,queued,sending,scheduled,failed').set('Authorization', token).expect(200);
    expect(byTemplate.body.meta.pagination.total).toBeGreaterThan(3);
    await app.http().get('/api/whatsapp/messages?filters[from]=yesterday').set('Authorization', token).expect(400);
  });

  it('filters by automation (REST and admin), and refuses an automation that is not an id', async () => {
    // Two messages as two automations would make them (the service the runs use), each tied to a record.
    const messages = app.strapi.plugin('whatsapp').service('messages');
    const variables = { nombre: 'a', producto: 'b', fecha: 'c' };
    const sendAt = new Date(Date.now() + 3600_000).toISOString();
    const related = { type: 'api::work-order.work-order', id: 'wo-filter-1' };
    const { message: first } = await messages.create({ to: '+525512345678', template: 'entrega', variables, sendAt, related }, { source: 'automation', automationId: 987001 });
    const { message: second } = await messages.create({ to: '+525512345678', template: 'entrega', variables, sendAt, related }, { source: 'automation', automationId: 987002 });

    const rest = await app.http().get('/api/whatsapp/messages?filters[automation]=987001').set('Authorization', token).expect(200);
    expect(rest.body.data.map((m: any) => m.id)).toEqual([first.id]);
    expect(rest.body.meta.pagination.total).toBe(1);
    const adminList = await app.http().get('/whatsapp/messages').query({ filters: { automation: '987002' } }).set('Authorization', admin).expect(200);
    expect(adminList.body.data.map((m: any) => m.id)).toEqual([second.id]);

    // With the record filter too: both belong to the record, only one to the automation.
    const byRecord = await app.http().get(`/whatsapp/messages?filters[relatedType]=${related.type}&filters[relatedId]=${related.id}`).set('Authorization', admin).expect(200);
    expect(byRecord.body.data.map((m: any) => m.id).sort((a: number, b: number) => a - b)).toEqual([first.id, second.id]);
    const both = await app.http().get(`/whatsapp/messages?filters[relatedType]=${related.type}&filters[relatedId]=${related.id}&filters[automation]=987002`).set('Authorization', admin).expect(200);
    expect(both.body.data.map((m: any) => m.id)).toEqual([second.id]);
    const none = await app.http().get('/api/whatsapp/messages?filters[automation]=987003').set('Authorization', token).expect(200);
    expect(none.body.data).toEqual([]);

    const bad = await app.http().get('/api/whatsapp/messages?filters[automation]=abc').set('Authorization', token).expect(400);
    expect(bad.body.error.details.errors).toEqual([expect.objectContaining({ path: ['filters', 'automation'], rule: 'integer' })]);
    await app.http().get('/whatsapp/messages?filters[automation]=-1').set('Authorization', admin).expect(400);
  });

  it('messages and attempts cannot be edited through the Document Service (the Content Manager)', async () => {
    const created = await post({ to: '+525512345678', template: 'entrega', variables: { nombre: 'a', producto: 'b', fecha: 'c' }, sendAt: new Date(Date.now() + 3600_000).toISOString() }).expect(201);
    const any = await messageRow(app.strapi, created.body.data.id);
    await expect(app.strapi.documents(UID.message as any).update({ documentId: any.documentId, data: { deliveryStatus: 'read' } as any })).rejects.toThrow(/history record/);
    expect((await messageRow(app.strapi, any.id)).deliveryStatus).toBe(any.deliveryStatus);
  });
});
