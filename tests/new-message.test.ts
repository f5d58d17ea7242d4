/**
 * The admin's New message page, through the admin API it uses: the recipient check
 * (GET /whatsapp/messages/recipient: the number as sending reads it, its contact and the 24-hour
 * window), who may ask, and the requests the page builds (admin/src/messages/compose.ts) as the
 * server takes or refuses them, each refusal on the field the page shows it on.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt } from './helpers/auth';
import { uniqueMexicanNumber } from './helpers/factories';
import { messageRow, setLastInbound, settle, snapshot, UID } from './helpers/whatsapp';
import { EMPTY_COMPOSE, buildSendBody, sendErrors, type ComposeTemplate } from '../plugins/whatsapp/admin/src/messages/compose';

const HOUR = 60 * 60 * 1000;

describe('New message (admin API)', () => {
  let app: TestApp;
  let admin: string;
  let sendOnly: string;
  let readOnly: string;
  let entrega: ComposeTemplate;
  let factura: ComposeTemplate;
  let pdfId: number;

  const recipient = (to: string | undefined, auth = admin) =>
    app
      .http()
      .get('/whatsapp/messages/recipient')
      .query(to === undefined ? {} : { to })
      .set('Authorization', auth);
  const send = (data: unknown, auth = admin) => app.http().post('/whatsapp/messages').set('Authorization', auth).send({ data });

  const role = async (name: string, actions: string[]) => {
    const created = await app.strapi.service('admin::role').create({ name, description: `${name} (new message)` });
    await app.strapi.service('admin::role').assignPermissions(
      created.id,
      actions.map((action) => ({ action, subject: null, properties: {}, conditions: [] }))
    );
    return createAdminJwt(app, created.code);
  };

  const template = async (data: Record<string, unknown>): Promise<ComposeTemplate> => {
    const res = await app.http().post('/whatsapp/templates').set('Authorization', admin).send({ data }).expect(201);
    return res.body.data;
  };

  beforeAll(async () => {
    app = await startStrapi();
    admin = await createAdminJwt(app);
    sendOnly = await role('Sender', ['plugin::whatsapp.messages.send']);
    readOnly = await role('Log reader', ['plugin::whatsapp.messages.read']);
    entrega = await template({ name: 'entrega_admin', category: 'utility', body: 'Hola {{cliente.nombre}}, tu pedido {{pedido}} llega hoy.' });
    factura = await template({ name: 'factura_admin', category: 'utility', body: 'Hola {{nombre}}, te enviamos tu factura.', mediaHeader: 'document' });
    const file = await app.strapi.db.query('plugin::upload.file' as any).create({
      data: { name: 'F-1001.pdf', hash: `f1001_${Date.now()}`, ext: '.pdf', mime: 'application/pdf', size: 12.5, url: '/uploads/F-1001.pdf', provider: 'local' },
    });
    pdfId = file.id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  describe('GET /whatsapp/messages/recipient', () => {
    it('reads a typed number as sending would, and says a new number has no contact and no window', async () => {
      const number = uniqueMexicanNumber();
      const before = await snapshot(app.strapi);
      const res = await recipient(number.national).expect(200);
      expect(res.body.data).toEqual({
        to: number.e164,
        defaultCountry: 'MX',
        contact: null,
        marketingConsent: false,
        window: { open: false, closesAt: null, lastInboundAt: null },
      });
      // Asking writes nothing: the contact is made by the first message only.
      expect(await snapshot(app.strapi)).toEqual(before);
    });

    it('names the contact and its open window, with when it closes, for any way the number is written', async () => {
      const number = uniqueMexicanNumber();
      const wrote = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * HOUR);
      const contact = await setLastInbound(app.strapi, number.e164, wrote);
      await app.strapi.db.query(UID.contact as any).update({ where: { id: contact.id }, data: { name: 'Lucía Pérez', marketingConsent: true } });

      for (const typed of [number.national, number.waId, number.e164, `whatsapp:${number.e164}`]) {
        const res = await recipient(typed).expect(200);
        expect(res.body.data).toEqual({
          to: number.e164,
          defaultCountry: 'MX',
          contact: { id: contact.id, name: 'Lucía Pérez' },
          marketingConsent: true,
          window: { open: true, closesAt: new Date(wrote.getTime() + 24 * HOUR).toISOString(), lastInboundAt: wrote.toISOString() },
        });
      }
    });

    it('says when the window closed for a contact who wrote more than 24 hours ago', async () => {
      const number = uniqueMexicanNumber();
      const wrote = new Date(Math.floor(Date.now() / 1000) * 1000 - 25 * HOUR);
      const contact = await setLastInbound(app.strapi, number.e164, wrote);
      const res = await recipient(number.e164).expect(200);
      expect(res.body.data.contact).toEqual({ id: contact.id, name: null });
      expect(res.body.data.window).toEqual({ open: false, closesAt: new Date(wrote.getTime() + 24 * HOUR).toISOString(), lastInboundAt: wrote.toISOString() });
    });

    it('refuses what is not a number as sending would (422 on `to`), and a missing or repeated `to` (400)', async () => {
      const bad = await recipient('55 1234').expect(422);
      expect(bad.body.error.details.errors[0]).toMatchObject({ path: ['to'], rule: 'phone' });
      expect(bad.body.error.message).toContain('55 1234');

      const missing = await recipient(undefined).expect(400);
      expect(missing.body.error.details.errors[0]).toMatchObject({ path: ['to'], rule: 'required' });
      const empty = await recipient('').expect(400);
      expect(empty.body.error.details.errors[0]).toMatchObject({ path: ['to'], rule: 'required' });

      const twice = await app.http().get('/whatsapp/messages/recipient?to=5512345678&to=5512345679').set('Authorization', admin).expect(400);
      expect(twice.body.error.details.errors[0]).toMatchObject({ path: ['to'], rule: 'type' });

      const long = await recipient('5'.repeat(256)).expect(400);
      expect(long.body.error.details.errors[0]).toMatchObject({ path: ['to'], rule: 'max-length' });
    });

    it('answers whoever may send, and only them', async () => {
      const number = uniqueMexicanNumber();
      const res = await recipient(number.national, sendOnly).expect(200);
      expect(res.body.data.to).toBe(number.e164);
      await recipient(number.national, readOnly).expect(403);
      await app.http().get('/whatsapp/messages/recipient').query({ to: number.national }).expect(401);
    });

    it('is not taken for a message id', async () => {
      // `/messages/recipient` is declared before `/messages/:id`; the log's detail still answers ids.
      const number = uniqueMexicanNumber();
      const sent = await send(buildSendBody({ ...EMPTY_COMPOSE, values: { 'cliente.nombre': 'Ana', pedido: 'P-1' } }, number.national, entrega, ['cliente.nombre', 'pedido'])).expect(201);
      await settle(app.strapi);
      const detail = await app.http().get(`/whatsapp/messages/${sent.body.data.id}`).set('Authorization', admin).expect(200);
      expect(detail.body.data.id).toBe(sent.body.data.id);
    });
  });

  describe('the requests the page sends', () => {
    it('a template with nested variables, scheduled: stored as scheduled at that time, rendered', async () => {
      const number = uniqueMexicanNumber();
      const sendAt = new Date(Math.ceil((Date.now() + 3 * HOUR) / 1000) * 1000).toISOString();
      const body = buildSendBody(
        { ...EMPTY_COMPOSE, templateId: entrega.id, values: { 'cliente.nombre': ' Marta ', pedido: 'P-77' }, schedule: 'later', sendAt },
        number.national,
        entrega,
        ['cliente.nombre', 'pedido']
      );
      const res = await send(body, sendOnly).expect(201);
      expect(res.body.data).toMatchObject({ status: 'scheduled', to: number.e164, template: 'entrega_admin', body: 'Hola Marta, tu pedido P-77 llega hoy.' });
      const row = await messageRow(app.strapi, res.body.data.id);
      expect(new Date(row.dueAt).toISOString()).toBe(sendAt);
      expect(row.variables).toEqual({ cliente: { nombre: 'Marta' }, pedido: 'P-77' });
    });

    it('free text inside the window goes; scheduled past the window it is refused on the text, writing nothing', async () => {
      const number = uniqueMexicanNumber();
      await setLastInbound(app.strapi, number.e164, new Date(Date.now() - 20 * HOUR));
      const text = { ...EMPTY_COMPOSE, mode: 'text' as const, body: 'Hola, ¿te queda bien a las 5?' };

      const now = await send(buildSendBody(text, number.e164, null, [])).expect(201);
      expect(now.body.data).toMatchObject({ status: 'queued', body: 'Hola, ¿te queda bien a las 5?', category: 'service' });
      await settle(app.strapi);

      const before = await snapshot(app.strapi);
      const late = await send(buildSendBody({ ...text, schedule: 'later', sendAt: new Date(Date.now() + 6 * HOUR).toISOString() }, number.e164, null, [])).expect(422);
      expect(late.body.error.details.errors[0]).toMatchObject({ path: ['body'], rule: 'service-window' });
      expect(sendErrors({ response: { data: late.body } }, 'text')).toEqual({ body: late.body.error.message });
      expect(await snapshot(app.strapi)).toEqual(before);
    });

    it('a header template with its media-library file; without it, refused on the file', async () => {
      const number = uniqueMexicanNumber();
      const form = { ...EMPTY_COMPOSE, templateId: factura.id, values: { nombre: 'Ana' }, schedule: 'later' as const, sendAt: new Date(Date.now() + HOUR).toISOString() };

      const before = await snapshot(app.strapi);
      const refused = await send(buildSendBody(form, number.national, factura, ['nombre'])).expect(422);
      expect(sendErrors({ response: { data: refused.body } }, 'template')).toEqual({ media: refused.body.error.message });
      expect(await snapshot(app.strapi)).toEqual(before);

      const res = await send(buildSendBody({ ...form, media: { id: pdfId, name: 'F-1001.pdf', mime: 'application/pdf' } }, number.national, factura, ['nombre'])).expect(201);
      const row = await messageRow(app.strapi, res.body.data.id);
      expect(row.media).toMatchObject({ fileId: pdfId, kind: 'document', mime: 'application/pdf' });
    });

    it('a missing variable is refused on that variable', async () => {
      const number = uniqueMexicanNumber();
      const before = await snapshot(app.strapi);
      const res = await send({ to: number.national, template: entrega.id, variables: { pedido: 'P-1' } }).expect(422);
      expect(sendErrors({ response: { data: res.body } }, 'template')).toEqual({ 'variables.cliente.nombre': res.body.error.message });
      expect(await snapshot(app.strapi)).toEqual(before);
    });
  });
});
