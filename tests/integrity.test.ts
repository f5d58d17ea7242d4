/**
 * Data integrity: a contact, sender, template, campaign or conversation that history points at
 * cannot be deleted, through any door (plugin REST, Content Manager single and bulk, Document
 * Service, strapi.db.query); the rows stay whole. Unreferenced records still delete.
 * (docs/data.md: the choice per relation.)
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { count, setLastInbound, UID } from './helpers/whatsapp';

const CAMPAIGN = 'plugin::whatsapp.campaign';
const CONVERSATION = 'plugin::whatsapp.conversation';

describe('data integrity: no deletion orphans history', () => {
  let app: TestApp;
  let token: string;
  let admin: string;
  let contact: { id: number; documentId: string };
  let message: { id: number; documentId: string; templateId: number; senderId: number };

  const api = () => ({
    post: (path: string, data: unknown) => app.http().post(`/api/whatsapp${path}`).set('Authorization', token).send({ data }),
    del: (path: string) => app.http().delete(`/api/whatsapp${path}`).set('Authorization', token),
  });
  const cmDelete = (uid: string, documentId: string) =>
    app.http().delete(`/content-manager/collection-types/${uid}/${documentId}`).set('Authorization', admin);
  const intact = async () => ({
    contact: await count(app.strapi, UID.contact, { id: contact.id }),
    messages: await count(app.strapi, UID.message, { contactId: contact.id }),
    consents: await count(app.strapi, UID.consent, { contactId: contact.id }),
  });

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
    admin = await createAdminJwt(app);
    await api().post('/templates', { name: 'aviso', category: 'utility', body: 'Hola {{nombre}}, su auto está listo.' }).expect(201);
    const created = await api().post('/contacts', { phone: '+525512349999', name: 'Rosa' }).expect(201);
    contact = created.body.data;
    await api().post(`/contacts/${contact.documentId}/consent`, { purpose: 'marketing', granted: true, method: 'form', evidence: 'Formulario' }).expect(201);
    const sent = await api().post('/messages', { to: '+525512349999', template: 'aviso', variables: { nombre: 'Rosa' } }).expect(201);
    message = sent.body.data;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('refuses a contact with messages and consent records through the plugin REST API: 409 naming why', async () => {
    const before = await intact();
    expect(before).toEqual({ contact: 1, messages: 1, consents: 1 });
    const res = await api().del(`/contacts/${contact.documentId}`).expect(409);
    expect(res.body.error.name).toBe('ConflictError');
    expect(res.body.error.message).toMatch(/cannot be deleted: 1 messages, 1 consent records/);
    expect(res.body.error.details.errors[0]).toMatchObject({ path: ['id'], rule: 'in-use' });
    expect(await intact()).toEqual(before);
  });

  it('refuses it in the Content Manager, one or in bulk: 400 with the reason', async () => {
    const before = await intact();
    const one = await cmDelete(UID.contact, contact.documentId).expect(400);
    expect(one.body.error).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/cannot be deleted.*messages/) });
    const bulk = await app
      .http()
      .post(`/content-manager/collection-types/${UID.contact}/actions/bulkDelete`)
      .set('Authorization', admin)
      .send({ documentIds: [contact.documentId] })
      .expect(400);
    expect(bulk.body.error.message).toMatch(/consent records/);
    expect(await intact()).toEqual(before);
  });

  it('refuses it through the Document Service and strapi.db.query', async () => {
    const before = await intact();
    await expect(app.strapi.documents(UID.contact as any).delete({ documentId: contact.documentId })).rejects.toThrow(/cannot be deleted/);
    await expect(app.strapi.db.query(UID.contact as any).delete({ where: { id: contact.id } })).rejects.toThrow(/cannot be deleted/);
    await expect(app.strapi.db.query(UID.contact as any).deleteMany({ where: { phone: '+525512349999' } })).rejects.toThrow(/cannot be deleted/);
    expect(await intact()).toEqual(before);
  });

  it('refuses a template and a sender that messages used, a campaign with messages, a conversation with messages', async () => {
    const template = await app.strapi.db.query(UID.template as any).findOne({ where: { id: message.templateId } });
    const rest = await api().del(`/templates/${template.documentId}`).expect(409);
    expect(rest.body.error.message).toMatch(/Template .* cannot be deleted: 1 messages/);
    await cmDelete(UID.template, template.documentId).expect(400);

    const sender = await app.strapi.db.query(UID.sender as any).findOne({ where: { id: message.senderId } });
    const res = await cmDelete(UID.sender, sender.documentId).expect(400);
    expect(res.body.error.message).toMatch(/Sender .* cannot be deleted/);

    const campaign = await app.strapi.db.query(CAMPAIGN as any).create({ data: { name: 'Promo', pacingSeconds: 1 } });
    await app.strapi.db.query(UID.message as any).update({ where: { id: message.id }, data: { campaignId: campaign.id } });
    await cmDelete(CAMPAIGN, campaign.documentId).expect(400);

    const conversation = await app.strapi.db
      .query(CONVERSATION as any)
      .create({ data: { contactId: contact.id, senderId: message.senderId, state: 'open', unreadCount: 0 } });
    await app.strapi.db.query(UID.message as any).update({ where: { id: message.id }, data: { conversationId: conversation.id } });
    await cmDelete(CONVERSATION, conversation.documentId).expect(400);

    expect(await count(app.strapi, UID.template, { id: template.id })).toBe(1);
    expect(await count(app.strapi, UID.sender, { id: sender.id })).toBe(1);
    expect(await count(app.strapi, CAMPAIGN, { id: campaign.id })).toBe(1);
    expect(await count(app.strapi, CONVERSATION, { id: conversation.id })).toBe(1);
  });

  it('deletes what nothing points at, through each door', async () => {
    const lonely = await api().post('/contacts', { phone: '+525512348888' }).expect(201);
    await api().del(`/contacts/${lonely.body.data.documentId}`).expect(200);
    const second = await api().post('/contacts', { phone: '+525512347777' }).expect(201);
    await cmDelete(UID.contact, second.body.data.documentId).expect(200);
    const unused = await api().post('/templates', { name: 'sin-uso', category: 'utility', body: 'Hola' }).expect(201);
    await api().del(`/templates/${unused.body.data.documentId}`).expect(200);
    const campaign = await app.strapi.db.query(CAMPAIGN as any).create({ data: { name: 'Vacía' } });
    await cmDelete(CAMPAIGN, campaign.documentId).expect(200);
    expect(await count(app.strapi, UID.contact, { phone: { $in: ['+525512348888', '+525512347777'] } })).toBe(0);
  });

  it('an inbound contact with a conversation keeps it too', async () => {
    await setLastInbound(app.strapi, '+525512346666', new Date());
    const row = await app.strapi.db.query(UID.contact as any).findOne({ where: { phone: '+525512346666' } });
    await app.strapi.db.query(CONVERSATION as any).create({ data: { contactId: row.id, senderId: message.senderId, state: 'open' } });
    const res = await cmDelete(UID.contact, row.documentId).expect(400);
    expect(res.body.error.message).toMatch(/1 conversations/);
  });
});
