/**
 * Step 10, the inbox as a new user tries it: every status change of a reply reaches the thread
 * live (the dispatcher's `sent` too, not only the provider's webhooks); one open follow-up per
 * conversation however many times the customer writes; sandbox mode's "simulate a customer
 * reply" through the webhook's own path, refused outside sandbox mode; assignees by name.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { count, UID } from './helpers/whatsapp';
import { openEventStream } from './helpers/sse';
import { startFakes, type Fakes } from './fakes';
import { INBOX_UID, metaPayload, metaText, postMeta, settleWebhooks, wamid } from './helpers/webhooks';

describe('the inbox in sandbox mode', () => {
  let app: TestApp;
  let fakes: Fakes;
  let admin: string;
  let numbers = 20_000_000;
  const newNumber = () => {
    numbers += 1;
    const national = `55${numbers}`;
    return { e164: `+52${national}`, waId: `521${national}` };
  };
  const adminApi = (method: 'get' | 'post' | 'put', path: string, auth = admin) => app.http()[method](`/whatsapp${path}`).set('Authorization', auth);
  const contactByPhone = (phone: string) => app.strapi.db.query(UID.contact as any).findOne({ where: { phone } });

  beforeAll(async () => {
    // The fakes answer the providers' credential check, so sandbox mode can be switched off below.
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'true', PUBLIC_URL: 'https://crm.example.com' } });
    admin = await createAdminJwt(app);
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it('a reply sent from the inbox: the live stream carries its `sent` from the dispatcher', async () => {
    const simulated = await adminApi('post', '/inbox/simulate').send({ data: { phone: newNumber().e164, body: 'Hola, ¿tienen cita hoy?' } }).expect(201);
    const conversationId = simulated.body.meta.conversation.id;
    const stream = await openEventStream(app, '/whatsapp/inbox/events', admin);
    try {
      const reply = await adminApi('post', `/inbox/conversations/${conversationId}/messages`).send({ data: { body: 'Sí, a las 4 de la tarde.' } }).expect(201);
      const id = reply.body.data.id;
      const sent = await stream.next('message.status', (data) => data.id === id && data.status === 'sent');
      expect(sent.data).toMatchObject({ id, status: 'sent', conversationId });
    } finally {
      stream.close();
    }
  });

  it('a cancelled message reaches the stream too', async () => {
    const later = new Date(Date.now() + 3600_000).toISOString();
    const { e164 } = newNumber();
    // The customer wrote: free text may go to them, here an hour from now.
    await adminApi('post', '/inbox/simulate').send({ data: { phone: e164, body: 'Avísenme mañana' } }).expect(201);
    const token = await createApiToken(app.strapi);
    const scheduled = await app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data: { to: e164, body: 'Recordatorio', sendAt: later } }).expect(201);
    const stream = await openEventStream(app, '/whatsapp/inbox/events', admin);
    try {
      await app.http().post(`/api/whatsapp/messages/${scheduled.body.data.id}/cancel`).set('Authorization', token).expect(200);
      const cancelled = await stream.next('message.status', (data) => data.id === scheduled.body.data.id);
      expect(cancelled.data.status).toBe('cancelled');
    } finally {
      stream.close();
    }
  });

  it('two customer replies on one conversation: one open follow-up, counting both', async () => {
    const { e164, waId } = newNumber();
    await postMeta(app, metaPayload(metaText(waId, 'Sofía', 'Hola'))).expect(200);
    await settleWebhooks(app.strapi);
    const contact = await contactByPhone(e164);
    const sender = await app.strapi.plugin('whatsapp').service('senders').resolve();
    const now = new Date();
    // Our message about a work order, as the dispatcher and the provider leave it.
    await app.strapi.db.query(UID.message as any).create({
      data: { direction: 'out', contactId: contact.id, senderId: sender.id, to: e164, from: sender.number, body: 'Su vehículo está listo', category: 'utility', channel: 'whatsapp', deliveryStatus: 'delivered', provider: 'meta', providerMessageId: wamid(), attempts: 1, dueAt: now, sentAt: now, relatedType: 'api::work-order.work-order', relatedId: 'wo-1', createdAt: now, updatedAt: now },
    });
    await postMeta(app, metaPayload(metaText(waId, 'Sofía', 'Paso a las 5'))).expect(200);
    await settleWebhooks(app.strapi);
    const second = metaText(waId, 'Sofía', '¿Cuánto fue al final?');
    await postMeta(app, metaPayload(second)).expect(200);
    // The same delivery again (Meta retries): not counted twice.
    await postMeta(app, metaPayload(second)).expect(200);
    await settleWebhooks(app.strapi);

    const open = await adminApi('get', `/inbox/follow-ups?filters[status]=open&pagination[pageSize]=100`).expect(200);
    const mine = open.body.data.filter((f: any) => f.contactId === contact.id);
    expect(mine).toEqual([expect.objectContaining({ kind: 'reply', replyCount: 2, excerpt: '¿Cuánto fue al final?', title: expect.stringContaining('¿Cuánto fue al final?') })]);
    expect(mine[0].lastReplyAt).toBeTruthy();

    // Done, then the customer writes again about the record: a new task.
    await adminApi('post', `/inbox/follow-ups/${mine[0].id}/done`).expect(200);
    await postMeta(app, metaPayload(metaText(waId, 'Sofía', 'Otra pregunta'))).expect(200);
    await settleWebhooks(app.strapi);
    expect(await count(app.strapi, INBOX_UID.followUp, { contactId: contact.id, state: 'open' })).toBe(1);
    expect(await count(app.strapi, INBOX_UID.followUp, { contactId: contact.id })).toBe(2);
  });

  it('simulate a customer reply: contact, lead, conversation and inbound message exactly as a webhook makes them', async () => {
    const { e164 } = newNumber();
    const stream = await openEventStream(app, '/whatsapp/inbox/events', admin);
    try {
      const res = await adminApi('post', '/inbox/simulate').send({ data: { phone: e164, name: 'Ricardo', body: '¿Hacen afinación a domicilio?' } }).expect(201);
      expect(res.body.data).toMatchObject({ direction: 'in', status: 'received', provider: 'meta', from: e164, body: '¿Hacen afinación a domicilio?' });
      expect(res.body.data.providerMessageId).toMatch(/^wamid\./);
      expect(res.body.meta.conversation).toMatchObject({ unreadCount: 1, status: 'open', windowOpen: true, lastMessagePreview: '¿Hacen afinación a domicilio?', contact: { phone: e164, isLead: true, name: 'Ricardo' } });
      // Through the stored webhook event, applied by the applier.
      const event = await app.strapi.db.query(INBOX_UID.webhookEvent as any).findOne({ where: { provider: 'meta', eventKey: res.body.data.providerMessageId } });
      expect(event).toMatchObject({ kind: 'message', outcome: 'applied', messageId: res.body.data.id });
      const contact = await contactByPhone(e164);
      expect(contact).toMatchObject({ isLead: true, source: 'inbound', profileName: 'Ricardo' });
      await stream.next('message.created', (data) => data.message.id === res.body.data.id);

      // Again by contact id: the same conversation, counted unread.
      const again = await adminApi('post', '/inbox/simulate').send({ data: { contactId: contact.id, body: 'Sigo esperando' } }).expect(201);
      expect(again.body.meta.conversation).toMatchObject({ id: res.body.meta.conversation.id, unreadCount: 2 });
    } finally {
      stream.close();
    }
  });

  it('simulate: the input is checked (400 / 422 naming the field), nothing written', async () => {
    const before = await count(app.strapi, UID.message);
    await adminApi('post', '/inbox/simulate').send({ data: { body: 'hola' } }).expect(400);
    await adminApi('post', '/inbox/simulate').send({ data: { phone: '+525511112222' } }).expect(400);
    await adminApi('post', '/inbox/simulate').send({ data: { phone: '+525511112222', body: 'x', colour: 'red' } }).expect(400);
    const badPhone = await adminApi('post', '/inbox/simulate').send({ data: { phone: '12', body: 'hola' } }).expect(422);
    expect(badPhone.body.error.details.errors[0]).toMatchObject({ path: ['phone'] });
    const unknown = await adminApi('post', '/inbox/simulate').send({ data: { contactId: 999999, body: 'hola' } }).expect(422);
    expect(unknown.body.error.details.errors[0]).toMatchObject({ path: ['contactId'], rule: 'unknown' });
    expect(await count(app.strapi, UID.message)).toBe(before);
  });

  it('simulate is refused outside sandbox mode (409 naming sandbox), and needs the reply permission', async () => {
    const editor = await createAdminJwt(app, 'strapi-editor');
    await adminApi('post', '/inbox/simulate', editor).send({ data: { phone: newNumber().e164, body: 'hola' } }).expect(403);
    await app.http().post('/whatsapp/inbox/simulate').send({ data: { phone: newNumber().e164, body: 'hola' } }).expect(401);

    await adminApi('put', '/settings').send({ data: { sandbox: false } }).expect(200);
    try {
      const before = await count(app.strapi, UID.message);
      const events = await count(app.strapi, INBOX_UID.webhookEvent);
      const refused = await adminApi('post', '/inbox/simulate').send({ data: { phone: newNumber().e164, body: 'hola' } }).expect(409);
      expect(refused.body.error.details.errors[0]).toMatchObject({ path: ['sandbox'], rule: 'sandbox-only' });
      expect(await count(app.strapi, UID.message)).toBe(before);
      expect(await count(app.strapi, INBOX_UID.webhookEvent)).toBe(events);
      const list = await adminApi('get', '/inbox/conversations').expect(200);
      expect(list.body.meta.sandbox).toBe(false);
    } finally {
      await adminApi('put', '/settings').send({ data: { sandbox: true } }).expect(200);
    }
    const list = await adminApi('get', '/inbox/conversations').expect(200);
    expect(list.body.meta.sandbox).toBe(true);
  });

  it('assignees by name', async () => {
    const res = await adminApi('get', '/inbox/assignees').expect(200);
    expect(res.body.data.length).toBeGreaterThanOrEqual(1);
    expect(res.body.data[0]).toEqual({ id: expect.any(Number), name: expect.any(String) });
    expect(res.body.data[0]).not.toHaveProperty('email');
  });
});
