/**
 * Step 2 against the fake Twilio and Meta servers (sandbox off): what each provider receives,
 * templates on both, media (uploaded to Meta, a signed link for Twilio), and provider errors told apart by their code.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createApiToken } from './helpers/auth';
import { messageRow, UID, waitForStatus } from './helpers/whatsapp';
import { startFakes, type Fakes } from './fakes';
import { waitFor } from './helpers/wait';

describe('providers (fake Twilio and Meta)', () => {
  let app: TestApp;
  let fakes: Fakes;
  let token: string;

  const post = (data: unknown) => app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data });
  const template = (data: Record<string, unknown>) =>
    app.http().post('/api/whatsapp/templates').set('Authorization', token).send({ data }).expect(201);

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'false', PUBLIC_URL: 'https://shop.example.com' } });
    token = await createApiToken(app.strapi);
    await template({
      name: 'vehiculo_listo',
      category: 'utility',
      body: 'Hola {{nombre}}, su vehículo {{vehiculo}} está listo. Orden {{orden}}.',
      metaName: 'vehiculo_listo_cliente',
      metaLanguage: 'es_MX',
      metaParameters: ['nombre', 'vehiculo', 'orden'],
      twilioContentSid: 'HX0123456789abcdef0123456789abcdef',
      twilioVariables: { '1': 'nombre', '2': 'vehiculo', '3': 'orden' },
    });
    await template({
      name: 'cotizacion',
      category: 'utility',
      body: 'Hola {{nombre}}, adjuntamos su cotización {{numero}}.',
      mediaHeader: 'document',
      metaName: 'cotizacion_lista_cliente',
      metaLanguage: 'es_MX',
      metaParameters: ['nombre', 'numero'],
    });
  });
  afterEach(() => fakes.reset());
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it('boots with one sender per configured provider, Meta by default, and says sandbox is off', async () => {
    const senders = await app.strapi.db.query(UID.sender as any).findMany({ where: { active: true } });
    expect(senders.map((s: any) => s.provider).sort()).toEqual(['meta', 'sandbox', 'twilio']);
    const health = await app.http().get('/api/whatsapp/health').expect(200);
    expect(health.body.data.sandbox).toBe(false);
  });

  it('Meta: a template goes out with name, language, ordered parameters and our id as callback data', async () => {
    const res = await post({ to: '55 1234 5678', template: 'vehiculo_listo', variables: { nombre: 'María', vehiculo: 'Nissan Versa', orden: 'OT-1001' } }).expect(201);
    expect(res.body.meta.sandbox).toBe(false);
    const row = await waitForStatus(app.strapi, res.body.data.id, ['sent']);
    expect(fakes.meta.sent).toHaveLength(1);
    const sent = fakes.meta.sent[0];
    expect(row).toMatchObject({ provider: 'meta', providerMessageId: sent.id });
    expect(sent.payload).toMatchObject({
      messaging_product: 'whatsapp',
      to: '525512345678',
      type: 'template',
      biz_opaque_callback_data: String(res.body.data.id),
      template: {
        name: 'vehiculo_listo_cliente',
        language: { code: 'es_MX' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'María' },
              { type: 'text', text: 'Nissan Versa' },
              { type: 'text', text: 'OT-1001' },
            ],
          },
        ],
      },
    });
    expect(fakes.meta.requests[0].headers.authorization).toBe('Bearer test-meta-token');
  });

  it('Meta: free text inside the window goes as a text message', async () => {
    await app.strapi.db.query(UID.contact as any).create({ data: { phone: '+573001234567', lastInboundAt: new Date() } });
    const res = await post({ to: '+57 300 123 4567', body: 'Con gusto, le confirmo la cita.' }).expect(201);
    await waitForStatus(app.strapi, res.body.data.id, ['sent']);
    expect(fakes.meta.sent[0].payload).toMatchObject({ to: '573001234567', type: 'text', text: { body: 'Con gusto, le confirmo la cita.' } });
  });

  it('Twilio: a template goes out as ContentSid + ContentVariables, whatsapp: addresses, status callback with our id', async () => {
    const res = await post({ to: '+5491123456789', sender: 'twilio', template: 'vehiculo_listo', variables: { nombre: 'Lucas', vehiculo: 'Hilux', orden: 'OT-7' } }).expect(201);
    const row = await waitForStatus(app.strapi, res.body.data.id, ['sent']);
    expect(fakes.twilio.sent).toHaveLength(1);
    const sent = fakes.twilio.sent[0];
    expect(row).toMatchObject({ provider: 'twilio', providerMessageId: sent.sid });
    expect(sent).toMatchObject({
      to: 'whatsapp:+5491123456789',
      from: 'whatsapp:+14155238886',
      contentSid: 'HX0123456789abcdef0123456789abcdef',
      contentVariables: { '1': 'Lucas', '2': 'Hilux', '3': 'OT-7' },
      statusCallback: `https://shop.example.com/api/whatsapp/webhooks/twilio?message=${res.body.data.id}`,
    });
    expect(fakes.twilio.requests[0].auth).toEqual({ user: fakes.env.TWILIO_ACCOUNT_SID, pass: 'test-twilio-token' });
  });

  it('Twilio: free text goes as Body', async () => {
    await app.strapi.db.query(UID.contact as any).create({ data: { phone: '+525599998888', lastInboundAt: new Date() } });
    const res = await post({ to: '55 9999 8888', sender: 'twilio', body: 'Su auto está listo 🚗' }).expect(201);
    await waitForStatus(app.strapi, res.body.data.id, ['sent']);
    expect(fakes.twilio.sent[0]).toMatchObject({ to: 'whatsapp:+525599998888', body: 'Su auto está listo 🚗' });
  });

  it('Twilio: free text over 1,600 characters is refused up front (Twilio would fail it with 21617); Meta takes up to 4,096', async () => {
    await app.strapi.db.query(UID.contact as any).create({ data: { phone: '+525511112222', lastInboundAt: new Date() } });
    const before = await app.strapi.db.query(UID.message as any).count({});
    const long = await post({ to: '55 1111 2222', sender: 'twilio', body: 'á'.repeat(1601) }).expect(422);
    expect(long.body.error.details.errors[0]).toMatchObject({ path: ['body'], rule: 'max-length' });
    expect(long.body.error.message).toMatch(/1,?600/);
    expect(await app.strapi.db.query(UID.message as any).count({})).toBe(before);
    const twilio = await post({ to: '55 1111 2222', sender: 'twilio', body: 'á'.repeat(1600) }).expect(201);
    const meta = await post({ to: '55 1111 2222', sender: 'meta', body: 'á'.repeat(1601) }).expect(201);
    await waitForStatus(app.strapi, twilio.body.data.id, ['sent']);
    await waitForStatus(app.strapi, meta.body.data.id, ['sent']);
    expect(fakes.twilio.sent.at(-1)?.body).toHaveLength(1600);
  });

  describe('template parameters: what the provider receives is what the stored body shows', () => {
    // No explicit metaParameters: the body's variables go in order of appearance (not zero
    // parameters, which Meta answers with 132000). The address has two lines, which Meta refuses
    // in a parameter (132018, after our 201): it arrives on one line.
    const body = 'Hola {{nombre}}, entregamos en {{direccion}} el {{fecha entrega}}. Total: {{moneda total}}.';
    const variables = { nombre: 'Ana', direccion: 'Av. Reforma 222, piso 3\nCol. Juárez', entrega: '2026-03-14', total: 1234.5 };

    beforeAll(async () => {
      await template({ name: 'entrega_domicilio', category: 'utility', body, metaName: 'entrega_domicilio', metaLanguage: 'es_MX' });
      await template({
        name: 'entrega_domicilio_twilio',
        category: 'utility',
        body,
        twilioContentSid: 'HX00000000000000000000000000000001',
        twilioVariables: { '1': 'nombre', '2': 'direccion', '3': 'entrega', '4': 'total' },
      });
    });

    /** The values as the stored body prints them, read back from the rendered text itself. */
    const printed = (rendered: string) => {
      const match = /^Hola (.+), entregamos en ([\s\S]+) el (.+)\. Total: (.+)\.$/.exec(rendered);
      expect(match).not.toBeNull();
      return match!.slice(1);
    };
    /** Meta's rule (132018): no newline or tab, at most four spaces in a row. */
    const oneLine = (text: string) => text.replace(/\s*[\n\t]\s*/g, ' ');

    it('Meta: the parameters equal the rendered body\'s values (date and amount formatted), without a newline', async () => {
      const res = await post({ to: '+525512345678', template: 'entrega_domicilio', variables }).expect(201);
      const row = await waitForStatus(app.strapi, res.body.data.id, ['sent']);
      const [nombre, direccion, fecha, total] = printed(row.body);
      expect(direccion).toContain('\n');
      expect(fecha).toMatch(/14 de marzo de 2026/);
      expect(total).toMatch(/^\$1,234\.50$/);
      const sent: any = fakes.meta.sent.at(-1)!.payload;
      const parameters = sent.template.components.find((c: any) => c.type === 'body').parameters.map((p: any) => p.text);
      expect(parameters).toEqual([nombre, oneLine(direccion), fecha, total]);
      for (const parameter of parameters) expect(parameter).not.toMatch(/[\n\t]| {5,}/);
    });

    it('Twilio: ContentVariables carry the same values, cleaned the same way', async () => {
      const res = await post({ to: '+525512345678', sender: 'twilio', template: 'entrega_domicilio_twilio', variables }).expect(201);
      const row = await waitForStatus(app.strapi, res.body.data.id, ['sent']);
      const [nombre, direccion, fecha, total] = printed(row.body);
      expect(fakes.twilio.sent.at(-1)?.contentVariables).toEqual({ '1': nombre, '2': oneLine(direccion), '3': fecha, '4': total });
    });

    it('the fake Meta refuses a parameter with a newline, as Meta does (132018), so the cleaning is what makes it pass', async () => {
      const refused = await fetch(`${fakes.env.META_GRAPH_BASE_URL}/${fakes.env.META_GRAPH_VERSION}/${fakes.env.META_PHONE_NUMBER_ID}/messages`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-meta-token', 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          to: '525512345678',
          type: 'template',
          template: { name: 'entrega_domicilio', language: { code: 'es_MX' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Av. Reforma 222\nCol. Juárez' }] }] },
        }),
      });
      expect(refused.status).toBe(400);
      expect((await refused.json()).error).toMatchObject({ code: 132018, error_data: { details: expect.stringMatching(/new-line\/tab/) } });
    });
  });

  describe('media', () => {
    let fileId: number;
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

    beforeAll(async () => {
      const tmp = path.join(os.tmpdir(), `cotizacion-${Date.now()}.pdf`);
      fs.writeFileSync(tmp, pdf);
      const [file] = await app.strapi.plugin('upload').service('upload').upload({
        data: { fileInfo: { name: 'COT-2001.pdf' } },
        files: { filepath: tmp, originalFilename: 'COT-2001.pdf', mimetype: 'application/pdf', size: pdf.length },
      });
      fileId = file.id;
    });

    it('a PDF from the media library goes to Meta as the template header, uploaded and named by its media id', async () => {
      const res = await post({ to: '+525512345678', template: 'cotizacion', variables: { nombre: 'María', numero: 'COT-2001' }, media: fileId }).expect(201);
      await waitForStatus(app.strapi, res.body.data.id, ['sent']);
      const payload: any = fakes.meta.sent[0].payload;
      const header = payload.template.components.find((c: any) => c.type === 'header');
      expect(header.parameters[0].type).toBe('document');
      expect(fakes.meta.uploads).toHaveLength(1);
      expect(header.parameters[0].document).toEqual({ id: fakes.meta.uploads[0].id, filename: 'COT-2001.pdf' });
      expect(Buffer.compare(fakes.meta.uploads[0].bytes, pdf)).toBe(0);
    });

    it('to Twilio, the PDF goes through a signed expiring link', async () => {
      await app.strapi.db.query(UID.contact as any).create({ data: { phone: '+525577776666', lastInboundAt: new Date() } });
      const res = await post({ to: '+525577776666', sender: 'twilio', body: 'Su cotización', media: fileId }).expect(201);
      await waitForStatus(app.strapi, res.body.data.id, ['sent']);
      const link: string = fakes.twilio.sent[0].mediaUrls[0];
      expect(link).toMatch(/^https:\/\/shop\.example\.com\/api\/whatsapp\/media\/[\w-]+\.[\w-]+$/);

      // The provider fetches the link without credentials and gets the file.
      const fetched = await app.http().get(new URL(link).pathname).buffer(true).expect(200);
      expect(fetched.headers['content-type']).toBe('application/pdf');
      expect(Buffer.compare(fetched.body, pdf)).toBe(0);

      // A tampered link is refused; the uploads folder is not the way in.
      const tampered = new URL(link).pathname.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      await app.http().get(tampered).expect(403);
    });

    it('refuses a template with a document header without media, and media that is not a PDF or image', async () => {
      const missing = await post({ to: '+525512345678', template: 'cotizacion', variables: { nombre: 'a', numero: 'b' } }).expect(422);
      expect(missing.body.error.details.errors[0]).toMatchObject({ path: ['media'], rule: 'required' });
      const unknown = await post({ to: '+525512345678', template: 'cotizacion', variables: { nombre: 'a', numero: 'b' }, media: 999999 }).expect(422);
      expect(unknown.body.error.details.errors[0]).toMatchObject({ path: ['media'], rule: 'not-found' });
    });
  });

  describe('provider errors are told apart by their code', () => {
    const send = () => post({ to: '+525512345678', template: 'vehiculo_listo', variables: { nombre: 'a', vehiculo: 'b', orden: 'c' } }).expect(201);

    it('Meta 131026 (undeliverable, HTTP 400): failed at once, not retried', async () => {
      fakes.meta.failNext({ code: 131026, message: 'Message undeliverable', details: 'Unable to deliver message' });
      const res = await send();
      const row = await waitForStatus(app.strapi, res.body.data.id, ['failed']);
      expect(row).toMatchObject({ errorCode: '131026', attempts: 1 });
      expect(row.nextAttemptAt).toBeNull();
      const attempts = await app.strapi.db.query(UID.attempt as any).findMany({ where: { messageId: res.body.data.id } });
      expect(attempts).toEqual([expect.objectContaining({ outcome: 'failed', providerCode: '131026', httpStatus: 400, provider: 'meta' })]);
    });

    it('Meta 130429 (rate limit, also HTTP 400): back in the queue for later, not failed', async () => {
      fakes.meta.failNext({ code: 130429, message: 'Rate limit hit', details: 'Cloud API message throughput has been reached.' });
      const res = await send();
      const row = await waitFor(async () => {
        const r = await messageRow(app.strapi, res.body.data.id);
        return r.deliveryStatus === 'queued' && r.attempts === 1 ? r : null;
      });
      expect(row.errorCode).toBe('130429');
      expect(new Date(row.dueAt).getTime()).toBeGreaterThan(Date.now());
    });

    it('Meta 131047 (re-engagement outside 24 h): failed with the reason', async () => {
      fakes.meta.failNext({ code: 131047, message: 'Re-engagement message', details: 'More than 24 hours have passed since the recipient last replied.' });
      const res = await send();
      const row = await waitForStatus(app.strapi, res.body.data.id, ['failed']);
      expect(row.errorCode).toBe('131047');
      const [attempt] = await app.strapi.db.query(UID.attempt as any).findMany({ where: { messageId: res.body.data.id } });
      expect(attempt.outcome).toBe('outside-window');
    });

    it('Meta 500 with an HTML body: retried later', async () => {
      fakes.meta.failNextRaw({ status: 502, body: '<html><body>Bad Gateway</body></html>', contentType: 'text/html' });
      const res = await send();
      const row = await waitFor(async () => {
        const r = await messageRow(app.strapi, res.body.data.id);
        return r.deliveryStatus === 'queued' && r.attempts === 1 ? r : null;
      });
      expect(row.errorText).toMatch(/502/);
    });

    it('Twilio 21610 (recipient unsubscribed): failed and marketing consent revoked in the ledger', async () => {
      const contact = await app.http().post('/api/whatsapp/contacts').set('Authorization', token).send({ data: { phone: '+525544443333' } }).expect(201);
      await app
        .http()
        .post(`/api/whatsapp/contacts/${contact.body.data.id}/consent`)
        .set('Authorization', token)
        .send({ data: { purpose: 'marketing', granted: true, method: 'form' } })
        .expect(201);
      fakes.twilio.failNext({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
      const res = await post({ to: '+525544443333', sender: 'twilio', template: 'vehiculo_listo', variables: { nombre: 'a', vehiculo: 'b', orden: 'c' } }).expect(201);
      const row = await waitForStatus(app.strapi, res.body.data.id, ['failed']);
      expect(row.errorCode).toBe('21610');
      const updated = await waitFor(async () => {
        const c = await app.strapi.db.query(UID.contact as any).findOne({ where: { phone: '+525544443333' } });
        return c.marketingConsent === false ? c : null;
      });
      expect(updated.optedOutAt).toBeTruthy();
      const ledger = await app.strapi.db.query(UID.consent as any).findMany({ where: { contactId: updated.id }, orderBy: { id: 'asc' } });
      expect(ledger.map((e: any) => [e.granted, e.method])).toEqual([
        [true, 'form'],
        [false, 'provider'],
      ]);
    });

    it('Twilio 20429 with Retry-After: retried after the time Twilio asked for', async () => {
      fakes.twilio.failNext({ status: 429, code: 20429, message: 'Too Many Requests', retryAfter: 7 });
      const before = Date.now();
      const res = await post({ to: '+525512345678', sender: 'twilio', template: 'vehiculo_listo', variables: { nombre: 'a', vehiculo: 'b', orden: 'c' } }).expect(201);
      const row = await waitFor(async () => {
        const r = await messageRow(app.strapi, res.body.data.id);
        return r.deliveryStatus === 'queued' && r.attempts === 1 ? r : null;
      });
      // Due 7 s after the refused attempt, which happened between `before` and now: bounds that
      // hold however long the machine took to get here (not the default backoff of a minute).
      const due = new Date(row.dueAt).getTime();
      expect(due).toBeGreaterThanOrEqual(before + 6_000);
      expect(due).toBeLessThanOrEqual(Date.now() + 8_000);
    });
  });
});
