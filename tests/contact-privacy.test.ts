/**
 * Data protection over HTTP: a contact's export (everything held about the person, as a JSON
 * file, audited), erasure (personal data removed or pseudonymised in every table, counts and
 * statuses kept, the consent ledger's opt-outs kept without their text, files deleted, the
 * number blocked for sends and imports until the person gives consent again, audited, refused
 * without the right confirmation), for a contact with a number and one known only by Meta's
 * business-scoped user id; and retention (old message texts blanked, old webhook events
 * deleted, recent ones kept), with its settings validated. SQLite and PostgreSQL alike.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { count, settle, UID } from './helpers/whatsapp';
import { createCitaTemplate, messageFixture, uniqueMexicanNumber, type TestNumber } from './helpers/factories';
import { bsuid, metaFromUserId, metaRawPayload, metaText, metaPayload, postMeta, settleWebhooks } from './helpers/webhooks';

const FILE_UID = 'plugin::upload.file';
const DAY = 24 * 60 * 60 * 1000;

describe('contact data protection', () => {
  let app: TestApp;
  let admin: string;
  let adminEmail: string;
  let token: string;
  let run = 0;

  const api = (method: 'get' | 'post' | 'put', p: string) => app.http()[method](`/api/whatsapp${p}`).set('Authorization', token);
  const adminApi = (method: 'get' | 'post' | 'put', p: string) => app.http()[method](`/whatsapp${p}`).set('Authorization', admin);
  const contactRow = (id: number) => app.strapi.db.query(UID.contact as any).findOne({ where: { id } });

  /** Every row of every table of the plugin, as text: what "appears anywhere" is looked for in. */
  const everything = async (): Promise<string> => {
    const tables = Object.keys(app.strapi.contentTypes)
      .filter((uid) => uid.startsWith('plugin::whatsapp.'))
      .map((uid) => app.strapi.db.metadata.get(uid as any).tableName);
    const dumps: string[] = [];
    for (const table of tables) dumps.push(JSON.stringify(await app.strapi.db.connection(table).select('*')));
    return dumps.join('\n');
  };

  /** A file in the media library, as inbound-media leaves a customer's document. */
  const storeFile = async (name: string) => {
    const filepath = path.join(os.tmpdir(), `privacy-test-${process.pid}-${Date.now()}-${name}`);
    const bytes = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    fs.writeFileSync(filepath, bytes);
    try {
      const [file] = await app.strapi.plugin('upload').service('upload').upload({
        data: { fileInfo: { name, alternativeText: 'WhatsApp document from a customer' } },
        files: { filepath, originalFilename: name, mimetype: 'application/pdf', size: bytes.length },
      });
      return file;
    } finally {
      fs.rmSync(filepath, { force: true });
    }
  };

  interface Seeded {
    tag: string;
    number: TestNumber;
    name: string;
    email: string;
    words: { inbound: string; reply: string; evidence: string; caption: string };
    contact: { id: number; documentId: string };
    file: { id: number; url: string };
    outboundId: number;
  }

  /**
   * A customer with a history: created with a name, e-mail, tags and a field; marketing consent
   * recorded with evidence; three WhatsApp messages in (one answering a message about a work
   * order, so a follow-up is opened; one BAJA, so consent is revoked and confirmed); a template
   * sent to them (with its attempt); a document they sent, stored in the media library.
   */
  const seed = async (): Promise<Seeded> => {
    run += 1;
    const number = uniqueMexicanNumber();
    const tag = `${Date.now().toString(36)}${run}`;
    const name = `Ximena Privacidad${tag}`;
    const email = `ximena.${tag}@example.com`;
    const words = {
      inbound: `Hola, mi placa es PRV-${tag}`,
      reply: `Confirmo la cita del coche PRV-${tag}`,
      evidence: `Aceptó en mostrador ${tag}`,
      caption: `Factura de Ximena ${tag}`,
    };
    const created = await api('post', '/contacts')
      .send({ data: { phone: number.national, name, email, tags: ['cliente', `t${tag}`], fields: { placa: `PRV-${tag}` } } })
      .expect(201);
    const contact = created.body.data;
    await api('post', `/contacts/${contact.id}/consent`).send({ data: { purpose: 'marketing', granted: true, method: 'form', evidence: words.evidence } }).expect(201);

    await postMeta(app, metaPayload(metaText(number.waId, name, words.inbound))).expect(200);
    await settleWebhooks(app.strapi);
    const sent = await api('post', '/messages')
      .send({ data: { to: number.e164, template: 'cita', variables: { nombre: name, fecha: `lunes ${tag}` }, related: { type: 'api::work-order.work-order', id: `wo-${tag}` } } })
      .expect(201);
    await settle(app.strapi);
    await postMeta(app, metaPayload(metaText(number.waId, name, words.reply))).expect(200);
    await settleWebhooks(app.strapi);
    await postMeta(app, metaPayload(metaText(number.waId, name, 'BAJA'))).expect(200);
    await settleWebhooks(app.strapi);
    await settle(app.strapi);

    const file = await storeFile(`factura-${tag}.pdf`);
    const conversation = await app.strapi.db.query(UID.conversation as any).findOne({ where: { contactId: contact.id } });
    await messageFixture(app.strapi, {
      direction: 'in',
      contactId: contact.id,
      conversationId: conversation.id,
      to: '+15550001111',
      from: number.e164,
      body: words.caption,
      media: { kind: 'document', mime: 'application/pdf', caption: words.caption, filename: `factura-${tag}.pdf`, mediaId: `media-${tag}` },
      mediaStatus: 'stored',
      mediaFileId: file.id,
      deliveryStatus: 'received',
      category: 'service',
      provider: 'meta',
      providerMessageId: `wamid.doc-${tag}`,
      receivedAt: new Date(),
    });
    return { tag, number, name, email, words, contact, file, outboundId: sent.body.data.id };
  };

  beforeAll(async () => {
    app = await startStrapi();
    admin = await createAdminJwt(app);
    adminEmail = (await app.strapi.db.query('admin::user').findMany({ orderBy: { id: 'desc' }, limit: 1 }))[0].email;
    token = await createApiToken(app.strapi);
    await createCitaTemplate(app, token);
  });
  afterAll(async () => {
    if (app) {
      for (const file of await app.strapi.db.query(FILE_UID as any).findMany({})) await app.strapi.plugin('upload').service('upload').remove(file);
    }
    await app?.stop();
  });

  describe('export', () => {
    it('is one JSON file with the contact, the ledger, conversations, messages in and out with their times, attempts, follow-ups, webhook events, files; audited', async () => {
      const s = await seed();
      const res = await adminApi('get', `/contacts/${s.contact.documentId}/export`).expect(200);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="contacto-${s.contact.id}-\\d{4}-\\d{2}-\\d{2}\\.json"$`));
      const doc = JSON.parse(res.text);
      expect(doc).toMatchObject({ format: 'whatsapp-contact-export', version: 1, contact: { id: s.contact.id, phone: s.number.e164, name: s.name, email: s.email, erasedAt: null } });

      // The consent ledger: granted with evidence, then revoked by the BAJA keyword.
      expect(doc.consent.map((c: any) => [c.purpose, c.granted, c.method])).toEqual([
        ['marketing', true, 'form'],
        ['marketing', false, 'keyword'],
      ]);
      expect(doc.consent[0].evidence).toBe(s.words.evidence);

      expect(doc.conversations).toHaveLength(1);
      expect(doc.conversations[0]).toMatchObject({ contactId: s.contact.id });
      const bodies = doc.messages.map((m: any) => m.body);
      expect(bodies).toEqual(expect.arrayContaining([s.words.inbound, s.words.reply, 'BAJA', s.words.caption]));
      const outbound = doc.messages.find((m: any) => m.id === s.outboundId);
      expect(outbound).toMatchObject({ direction: 'out', status: 'sent', to: s.number.e164, variables: { nombre: s.name } });
      expect(outbound.statusTimes.sent).toEqual(expect.any(String));
      expect(doc.messages.filter((m: any) => m.direction === 'in').every((m: any) => m.statusTimes.received)).toBe(true);
      expect(doc.attempts.some((a: any) => a.messageId === s.outboundId && a.outcome === 'sent')).toBe(true);
      expect(doc.followUps).toHaveLength(1);
      expect(doc.followUps[0].excerpt).toContain(s.words.reply);
      // The provider's reports about them: each inbound message's event, as stored.
      expect(doc.webhookEvents.length).toBeGreaterThanOrEqual(3);
      expect(JSON.stringify(doc.webhookEvents)).toContain(s.words.inbound);
      expect(doc.media).toEqual([expect.objectContaining({ direction: 'in', kind: 'document', fileId: s.file.id, url: s.file.url, status: 'stored' })]);
      expect(doc.automationRuns).toEqual([]);

      const audit = await app.strapi.db.query(UID.auditEntry as any).findMany({ where: { action: 'contact.export' }, orderBy: { id: 'desc' }, limit: 1 });
      expect(audit[0]).toMatchObject({ actorEmail: adminEmail, before: { contactId: s.contact.id, documentId: s.contact.documentId } });
      expect(audit[0].actorId).toEqual(expect.any(Number));
      expect(JSON.stringify(audit[0])).not.toContain(s.number.e164.slice(1));

      // The content API gives the same document; the earlier export is in its privacy log.
      const viaApi = await api('get', `/contacts/${s.contact.id}/export`).expect(200);
      const again = JSON.parse(viaApi.text);
      expect(again.messages).toHaveLength(doc.messages.length);
      expect(again.privacyLog).toEqual([expect.objectContaining({ action: 'contact.export', actorEmail: adminEmail })]);
      // Not in the settings' history.
      const settingsAudit = await adminApi('get', '/settings/audit').expect(200);
      expect(settingsAudit.body.data.some((e: any) => e.action.startsWith('contact.'))).toBe(false);
    });

    it('needs the manage-contacts permission: an admin role without it gets 403; an unknown contact is 404', async () => {
      const role = await app.strapi.service('admin::role').create({ name: `Inbox only ${Date.now()}`, description: 'privacy test' });
      await app.strapi.service('admin::role').assignPermissions(role.id, [{ action: 'plugin::whatsapp.inbox.read', subject: null, properties: {}, conditions: [] }]);
      const reader = await createAdminJwt(app, role.code);
      const s = await seed();
      await app.http().get(`/whatsapp/contacts/${s.contact.id}/export`).set('Authorization', reader).expect(403);
      await app.http().post(`/whatsapp/contacts/${s.contact.id}/erase`).set('Authorization', reader).send({ data: { confirm: s.number.e164 } }).expect(403);
      expect((await contactRow(s.contact.id)).erasedAt).toBeNull();
      await adminApi('get', '/contacts/99999999/export').expect(404);
    });
  });

  describe('erase', () => {
    it('without the right confirmation: 400 naming `confirm`, and nothing changes', async () => {
      const s = await seed();
      const before = await everything();
      const bodies: unknown[] = [undefined, {}, { data: {} }, { data: { confirm: '' } }, { confirm: '55 0000 0000' }, { data: { confirm: s.contact.id + 1 } }, { data: { confirm: ['x'] } }];
      for (const body of bodies) {
        const res = await adminApi('post', `/contacts/${s.contact.id}/erase`).send(body as object).expect(400);
        expect({ body, path: res.body.error.details.errors[0].path }).toEqual({ body, path: ['confirm'] });
      }
      const unknown = await api('post', `/contacts/${s.contact.id}/erase`).send({ data: { confirm: s.number.e164, force: true } }).expect(400);
      expect(unknown.body.error.message).toMatch(/force/);
      expect(await everything()).toBe(before);
      expect(await count(app.strapi, FILE_UID, { id: s.file.id })).toBe(1);
    });

    it('removes the person from every table, keeps the rows, statuses and counts, deletes their files, blocks the number, and is audited', async () => {
      const s = await seed();
      const messagesBefore: any[] = await app.strapi.db.query(UID.message as any).findMany({ where: { contactId: s.contact.id }, orderBy: { id: 'asc' } });
      const consentsBefore = await count(app.strapi, UID.consent, { contactId: s.contact.id });
      const campaignCount = await count(app.strapi, UID.campaign);
      const filePath = path.join(app.strapi.dirs.static.public, s.file.url);
      expect(fs.existsSync(filePath)).toBe(true);

      const res = await adminApi('post', `/contacts/${s.contact.documentId}/erase`).send({ data: { confirm: s.number.national } }).expect(200);
      expect(res.body.data).toMatchObject({
        alreadyErased: false,
        filesLeft: 0,
        counts: { messages: messagesBefore.length, conversations: 1, followUps: 1, files: 1, consents: consentsBefore + 2 },
      });
      expect(res.body.data.counts.webhookEvents).toBeGreaterThanOrEqual(3);
      const erased = res.body.data.contact;
      expect(erased).toMatchObject({ id: s.contact.id, name: null, email: null, tags: [], fields: {}, providerUserId: null, marketingConsent: false, transactionalConsent: false });
      expect(erased.phone).toMatch(/^erased-[a-z2-7]{9}$/);
      expect(erased.erasedAt).toEqual(expect.any(String));
      expect(erased.optedOutAt).toEqual(expect.any(String));

      // Nowhere in the plugin's tables: the number in any form, the name, the e-mail, what they wrote.
      const all = await everything();
      for (const gone of [s.number.e164, s.number.e164.slice(1), s.number.waId, s.number.national, s.name, s.email, s.words.inbound, s.words.reply, s.words.evidence, s.words.caption, `PRV-${s.tag}`, `lunes ${s.tag}`]) {
        expect({ gone, found: all.includes(gone) }).toEqual({ gone, found: false });
      }
      // The file they sent: gone from the media library and from the disk.
      expect(await count(app.strapi, FILE_UID, { id: s.file.id })).toBe(0);
      expect(fs.existsSync(filePath)).toBe(false);

      // Rows and statuses stay, pseudonymised; the texts are gone and marked so.
      const messagesAfter: any[] = await app.strapi.db.query(UID.message as any).findMany({ where: { contactId: s.contact.id }, orderBy: { id: 'asc' } });
      expect(messagesAfter.map((m) => [m.id, m.direction, m.deliveryStatus])).toEqual(messagesBefore.map((m) => [m.id, m.direction, m.deliveryStatus]));
      for (const m of messagesAfter) {
        expect({ id: m.id, body: m.body, variables: m.variables, media: m.media, mediaFileId: m.mediaFileId }).toEqual({ id: m.id, body: null, variables: null, media: null, mediaFileId: null });
        expect(m.redactedAt).toBeTruthy();
        expect(m.direction === 'out' ? m.to : m.from).toBe(erased.phone);
      }
      expect((await app.strapi.db.query(UID.conversation as any).findOne({ where: { contactId: s.contact.id } })).lastMessagePreview).toBeNull();
      const followUp = await app.strapi.db.query(UID.followUp as any).findOne({ where: { contactId: s.contact.id } });
      expect(followUp).toMatchObject({ excerpt: null, title: `Reply from ${erased.phone}` });
      expect(await count(app.strapi, UID.campaign)).toBe(campaignCount);

      // The ledger keeps every change and the erasure's two opt-outs, without evidence text.
      const ledger: any[] = await app.strapi.db.query(UID.consent as any).findMany({ where: { contactId: s.contact.id }, orderBy: { id: 'asc' } });
      expect(ledger.map((c) => [c.purpose, c.granted, c.method])).toEqual([
        ['marketing', true, 'form'],
        ['marketing', false, 'keyword'],
        ['marketing', false, 'admin'],
        ['transactional', false, 'admin'],
      ]);
      expect(ledger.slice(0, 2).map((c) => c.evidence)).toEqual([null, null]);
      expect(ledger.every((c) => c.phone === erased.phone)).toBe(true);
      expect(ledger[2]).toMatchObject({ actor: adminEmail, evidence: expect.stringMatching(/erased/i) });

      // Audited: who erased whom (by id), when, what was done; never the number.
      const [entry] = await app.strapi.db.query(UID.auditEntry as any).findMany({ where: { action: 'contact.erase' }, orderBy: { id: 'desc' }, limit: 1 });
      expect(entry).toMatchObject({ actorEmail: adminEmail, before: { contactId: s.contact.id }, after: { pseudonym: erased.phone, alreadyErased: false, files: 1 } });
      expect(entry.at).toBeTruthy();

      // The tombstone takes no edit, no consent, no deletion (each would undo the erasure).
      await api('put', `/contacts/${s.contact.id}`).send({ data: { phone: s.number.e164 } }).expect(409);
      await api('post', `/contacts/${s.contact.id}/consent`).send({ data: { purpose: 'marketing', granted: true, method: 'form', evidence: 'otra vez' } }).expect(409);
      await app.http().delete(`/api/whatsapp/contacts/${s.contact.id}`).set('Authorization', token).expect(409);
      const conversation = await app.strapi.db.query(UID.conversation as any).findOne({ where: { contactId: s.contact.id } });
      const reply = await adminApi('post', `/inbox/conversations/${conversation.id}/messages`).send({ data: { body: 'Hola' } });
      expect(reply.status).toBe(409);
      await adminApi('post', `/messages/${s.outboundId}/retry`).expect(409);
    });

    it('an erased number is not messaged again: sends are refused, an import skips it, a campaign excludes it; the person giving consent again lifts the block', async () => {
      const s = await seed();
      await api('post', `/contacts/${s.contact.id}/erase`).send({ confirm: s.number.e164 }).expect(200);
      const before = { messages: await count(app.strapi, UID.message), contacts: await count(app.strapi, UID.contact) };

      for (const to of [s.number.e164, s.number.national, s.number.waId]) {
        const refused = await api('post', '/messages').send({ data: { to, template: 'cita', variables: { nombre: 'Ximena', fecha: 'lunes' } } }).expect(422);
        expect(refused.body.error.details.errors[0]).toMatchObject({ path: ['to'], rule: 'erased' });
      }

      const csv = `telefono,nombre,consentimiento\n${s.number.national},${s.name},sí\n`;
      const imported = await api('post', '/contacts/import').attach('file', Buffer.from(csv), 'contactos.csv').expect(200);
      expect(imported.body.data).toMatchObject({ created: 0, updated: 0, skipped: 1 });
      expect(imported.body.data.errors[0]).toMatchObject({ row: 2, column: 'telefono', reason: expect.stringMatching(/erased/) });
      expect(JSON.stringify(imported.body.data)).not.toContain(s.number.e164.slice(-8));

      const campaign = await api('post', '/campaigns').send({ data: { name: `Recordatorio ${run}`, template: 'cita', audience: { kind: 'phones', phones: [s.number.national] }, variables: { nombre: { value: 'cliente' }, fecha: { value: 'lunes' } } } });
      expect(campaign.status).toBe(201);
      const estimate = await api('get', `/campaigns/${campaign.body.data.id}/estimate`).expect(200);
      expect(estimate.body.data).toMatchObject({ recipients: 0, excluded: { 'opted-out': 1 }, newContacts: 0 });
      expect({ messages: await count(app.strapi, UID.message), contacts: await count(app.strapi, UID.contact) }).toEqual(before);

      // They write again: a new contact (their choice), answered within the window, still blocked for templates.
      await postMeta(app, metaPayload(metaText(s.number.waId, 'Ximena', 'Hola de nuevo'))).expect(200);
      await settleWebhooks(app.strapi);
      const comeback = await app.strapi.db.query(UID.contact as any).findOne({ where: { phone: s.number.e164 } });
      expect(comeback.id).not.toBe(s.contact.id);
      await api('post', '/messages').send({ data: { to: s.number.e164, body: 'Hola, ¿en qué te ayudamos?' } }).expect(201);
      await api('post', '/messages').send({ data: { to: s.number.e164, template: 'cita', variables: { nombre: 'Ximena', fecha: 'lunes' } } }).expect(422);
      // Consent recorded for them again: the block is lifted (and audited).
      await adminApi('post', `/contacts/${comeback.id}/consent`).send({ data: { purpose: 'marketing', granted: true, method: 'admin', evidence: 'Pidió volver a recibir recordatorios' } }).expect(201);
      await api('post', '/messages').send({ data: { to: s.number.e164, template: 'cita', variables: { nombre: 'Ximena', fecha: 'lunes' } } }).expect(201);
      expect(await count(app.strapi, UID.auditEntry, { action: 'contact.unblock' })).toBeGreaterThanOrEqual(1);
      await settle(app.strapi);
    });

    it('twice is fine: the second run finishes what is left and changes nothing else', async () => {
      const s = await seed();
      const first = await adminApi('post', `/contacts/${s.contact.id}/erase`).send({ data: { confirm: s.number.e164 } }).expect(200);
      const after = await contactRow(s.contact.id);
      // The number is gone: the contact's id (or its pseudonym) confirms now.
      await adminApi('post', `/contacts/${s.contact.id}/erase`).send({ data: { confirm: s.number.e164 } }).expect(400);
      const second = await adminApi('post', `/contacts/${s.contact.id}/erase`).send({ data: { confirm: String(s.contact.id) } }).expect(200);
      expect(second.body.data).toMatchObject({ alreadyErased: true, counts: { messages: first.body.data.counts.messages, consents: first.body.data.counts.consents, files: 0 } });
      const again = await contactRow(s.contact.id);
      expect({ phone: again.phone, erasedAt: new Date(again.erasedAt).getTime(), optedOutAt: new Date(again.optedOutAt).getTime() }).toEqual({
        phone: after.phone,
        erasedAt: new Date(after.erasedAt).getTime(),
        optedOutAt: new Date(after.optedOutAt).getTime(),
      });
      await adminApi('post', `/contacts/${s.contact.id}/erase`).send({ data: { confirm: after.phone } }).expect(200);
      expect(await count(app.strapi, UID.auditEntry, { action: 'contact.erase', before: { $notNull: true } })).toBeGreaterThanOrEqual(3);
    });

    it('a contact known only by its business-scoped user id: exported and erased the same way, and its user id stays blocked', async () => {
      const userId = bsuid('MX');
      const text = `Hola, soy Valeria ${userId.slice(-6)}`;
      await postMeta(app, metaRawPayload(metaFromUserId(userId, 'Valeria Ortiz', { type: 'text', text: { body: text } }, '@valeria.privacidad'))).expect(200);
      await settleWebhooks(app.strapi);
      const contact = await app.strapi.db.query(UID.contact as any).findOne({ where: { providerUserId: userId } });
      expect(contact).toMatchObject({ phone: null, username: '@valeria.privacidad' });
      const reply = await api('post', '/messages').send({ data: { to: userId, body: 'Con gusto, Valeria' } }).expect(201);
      await settle(app.strapi);

      const exported = JSON.parse((await api('get', `/contacts/${contact.documentId}/export`).expect(200)).text);
      expect(exported.contact).toMatchObject({ providerUserId: userId, phone: null, username: '@valeria.privacidad' });
      expect(exported.messages.map((m: any) => m.body)).toEqual([text, 'Con gusto, Valeria']);
      expect(JSON.stringify(exported.webhookEvents)).toContain(userId);

      await api('post', `/contacts/${contact.id}/erase`).send({ data: { confirm: 'MX.0' } }).expect(400);
      const res = await api('post', `/contacts/${contact.id}/erase`).send({ data: { confirm: userId } }).expect(200);
      expect(res.body.data.contact).toMatchObject({ providerUserId: null, username: null, profileName: null, phone: expect.stringMatching(/^erased-/) });
      const all = await everything();
      for (const gone of [userId, 'Valeria Ortiz', '@valeria.privacidad', text, 'Con gusto, Valeria']) expect({ gone, found: all.includes(gone) }).toEqual({ gone, found: false });
      expect(await app.strapi.db.query(UID.message as any).findOne({ where: { id: reply.body.data.id } })).toMatchObject({ deliveryStatus: 'sent', to: res.body.data.contact.phone, body: null });
      const [entry] = await app.strapi.db.query(UID.auditEntry as any).findMany({ where: { action: 'contact.erase' }, orderBy: { id: 'desc' }, limit: 1 });
      expect(entry).toMatchObject({ actorId: null, actorEmail: expect.stringMatching(/^token:/), before: { contactId: contact.id } });
      expect(await app.strapi.plugin('whatsapp').service('privacy').isBlocked(userId)).toBe(true);
    });
  });

  describe('retention', () => {
    afterEach(async () => {
      await adminApi('put', '/settings').send({ data: { retention: { messageBodyDays: null, webhookEventDays: null } } }).expect(200);
    });

    it('settings: read with their defaults, changed with the settings API, each bad value a 400 naming the field, audited', async () => {
      const read = await adminApi('get', '/settings').expect(200);
      expect(read.body.data.retention).toEqual({ messageBodyDays: 0, webhookEventDays: 30 });
      const bad: Array<[unknown, string]> = [
        [{ messageBodyDays: -1 }, 'retention.messageBodyDays'],
        [{ messageBodyDays: 2.5 }, 'retention.messageBodyDays'],
        [{ messageBodyDays: '90' }, 'retention.messageBodyDays'],
        [{ messageBodyDays: 40_000 }, 'retention.messageBodyDays'],
        [{ webhookEventDays: 3 }, 'retention.webhookEventDays'],
        [{ sometimes: 1 }, 'retention.sometimes'],
        ['90', 'retention'],
      ];
      const audits = await count(app.strapi, UID.auditEntry);
      for (const [retention, field] of bad) {
        const res = await adminApi('put', '/settings').send({ data: { retention } }).expect(400);
        expect({ retention, path: res.body.error.details.errors[0].path.join('.') }).toEqual({ retention, path: field });
      }
      expect(await count(app.strapi, UID.auditEntry)).toBe(audits);
      expect((await adminApi('get', '/settings').expect(200)).body.data.retention).toEqual({ messageBodyDays: 0, webhookEventDays: 30 });

      const changed = await adminApi('put', '/settings').send({ data: { retention: { messageBodyDays: 90 } } }).expect(200);
      expect(changed.body.data.retention).toEqual({ messageBodyDays: 90, webhookEventDays: 30 });
      const [entry] = await app.strapi.db.query(UID.auditEntry as any).findMany({ where: { action: 'settings.update' }, orderBy: { id: 'desc' }, limit: 1 });
      expect(entry).toMatchObject({ before: { retention: { messageBodyDays: 0 } }, after: { retention: { messageBodyDays: 90 } } });
      // The other period still follows WHATSAPP_WEBHOOK_RETENTION_DAYS: only what was set is stored.
      const row = await app.strapi.db.query(UID.setting as any).findOne({});
      expect(typeof row.retention === 'string' ? JSON.parse(row.retention) : row.retention).toEqual({ messageBodyDays: 90 });
      const both = await adminApi('put', '/settings').send({ data: { retention: { webhookEventDays: 0 } } }).expect(200);
      expect(both.body.data.retention).toEqual({ messageBodyDays: 90, webhookEventDays: 0 });
    });

    it('the daily job blanks old message texts (rows, statuses, times kept; never a message still to send) and deletes old webhook events, keeping recent ones', async () => {
      await adminApi('put', '/settings').send({ data: { retention: { messageBodyDays: 30, webhookEventDays: 14 } } }).expect(200);
      const now = Date.now();
      const old = new Date(now - 40 * DAY);
      const recent = new Date(now - 5 * DAY);
      const oldSent = await messageFixture(app.strapi, { body: 'Texto viejo', variables: { nombre: 'Viejo' }, createdAt: old, deliveryStatus: 'delivered', deliveredAt: old });
      const oldFailed = await messageFixture(app.strapi, { body: 'Fallo viejo', createdAt: old, deliveryStatus: 'failed', failedAt: old });
      const oldIn = await messageFixture(app.strapi, { direction: 'in', body: 'Aquí estoy', media: { kind: 'location', latitude: 19.4, longitude: -99.1 }, createdAt: old, deliveryStatus: 'received' });
      const oldScheduled = await messageFixture(app.strapi, { body: 'Para el año que viene', createdAt: old, deliveryStatus: 'scheduled', dueAt: new Date(now + 300 * DAY) });
      const fresh = await messageFixture(app.strapi, { body: 'Texto reciente', variables: { nombre: 'Nuevo' }, createdAt: recent });

      const ids = [`wamid.ret-old-${now}`, `wamid.ret-new-${now}`, `wamid.ret-pending-${now}`];
      await postMeta(app, metaPayload({ statuses: ids.map((id) => ({ id, status: 'delivered', timestamp: String(Math.floor(now / 1000)), recipient_id: '5215512345678' })) })).expect(200);
      await settleWebhooks(app.strapi);
      const events = app.strapi.db.query(UID.webhookEvent as any);
      const [eOld, eNew, ePending] = await Promise.all(ids.map((id) => events.findOne({ where: { eventKey: `${id}:delivered` } })));
      await events.update({ where: { id: eOld.id }, data: { appliedAt: new Date(now - 20 * DAY), receivedAt: new Date(now - 20 * DAY) } });
      await events.update({ where: { id: eNew.id }, data: { appliedAt: new Date(now - 10 * DAY), receivedAt: new Date(now - 10 * DAY) } });
      await events.update({ where: { id: ePending.id }, data: { appliedAt: null, attempts: 5, receivedAt: new Date(now - 20 * DAY) } });

      const result = await app.strapi.plugin('whatsapp').service('retention').run(new Date(now));
      expect(result.messages).toEqual({ redacted: expect.any(Number), days: 30 });
      expect(result.messages.redacted).toBeGreaterThanOrEqual(3);
      expect(result.webhookEvents).toEqual({ deleted: expect.any(Number), days: 14 });

      const row = (id: number) => app.strapi.db.query(UID.message as any).findOne({ where: { id } });
      expect(await row(oldSent.id)).toMatchObject({ body: null, variables: null, deliveryStatus: 'delivered' });
      expect((await row(oldSent.id)).deliveredAt).toBeTruthy();
      expect((await row(oldSent.id)).redactedAt).toBeTruthy();
      expect(await row(oldFailed.id)).toMatchObject({ body: null, deliveryStatus: 'failed' });
      expect(await row(oldIn.id)).toMatchObject({ body: null, media: null, deliveryStatus: 'received' });
      expect(await row(oldScheduled.id)).toMatchObject({ body: 'Para el año que viene', redactedAt: null });
      expect(await row(fresh.id)).toMatchObject({ body: 'Texto reciente', variables: { nombre: 'Nuevo' }, redactedAt: null });
      // A blanked message is never sent again.
      const retry = await adminApi('post', `/messages/${oldFailed.id}/retry`).expect(409);
      expect(retry.body.error.details.errors[0]).toMatchObject({ rule: 'redacted' });

      expect(await events.findOne({ where: { id: eOld.id } })).toBeNull();
      expect(await events.findOne({ where: { id: eNew.id } })).toBeTruthy();
      expect(await events.findOne({ where: { id: ePending.id } })).toBeTruthy();

      // A second run the same day finds nothing left to do.
      expect((await app.strapi.plugin('whatsapp').service('retention').run(new Date(now))).messages.redacted).toBe(0);
    });

    it('with the defaults, message texts are kept and webhook events follow WHATSAPP_WEBHOOK_RETENTION_DAYS', async () => {
      const old = await messageFixture(app.strapi, { body: 'Se queda', createdAt: new Date(Date.now() - 400 * DAY) });
      const result = await app.strapi.plugin('whatsapp').service('retention').run();
      expect(result).toMatchObject({ messages: { redacted: 0, days: 0 }, webhookEvents: { days: 30 } });
      expect((await app.strapi.db.query(UID.message as any).findOne({ where: { id: old.id } })).body).toBe('Se queda');
    });
  });
});
