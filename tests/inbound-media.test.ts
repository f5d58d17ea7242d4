/**
 * Inbound media: a customer's photo or PDF, announced by a signed webhook, is downloaded from the
 * provider (the loopback fakes, in their wire formats) into the Strapi media library, off the
 * webhook's path, and linked from the message; the inbox thread shows it. Transient failures are
 * retried, files over WHATSAPP_MEDIA_MAX_BYTES are refused, foreign Twilio URLs are not fetched.
 */
import fs from 'fs';
import path from 'path';
import sharp from 'sharp';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt } from './helpers/auth';
import { UID } from './helpers/whatsapp';
import { waitFor } from './helpers/wait';
import { startFakes, TEST_CREDENTIALS, type Fakes } from './fakes';
import { metaInbound, metaPayload, postMeta, postTwilio, settleWebhooks, twilioInbound } from './helpers/webhooks';

const MAX_BYTES = 200_000;
const FILE_UID = 'plugin::upload.file';

/** A small but real PDF: the bytes must come back identical. */
const pdf = (label: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${label} ${'x'.repeat(2000)}\ntrailer<</Root 1 0 R>>\n%%EOF\n`);

describe('inbound media into the media library', () => {
  let app: TestApp;
  let fakes: Fakes;
  let admin: string;
  let jpeg: Buffer;
  let numbers = 20_000_000;
  const newNumber = () => {
    numbers += 1;
    return { e164: `+5255${numbers}`, waId: `52155${numbers}` };
  };

  const byProviderId = (providerMessageId: string) => app.strapi.db.query(UID.message as any).findOne({ where: { providerMessageId } });
  const fileRow = (id: number) => app.strapi.db.query(FILE_UID as any).findOne({ where: { id }, populate: ['folder'] });
  const fileCount = () => app.strapi.db.query(FILE_UID as any).count({});
  /** The message once its download has an outcome other than pending. */
  const settled = (providerMessageId: string, timeoutMs = 20_000) =>
    waitFor(async () => {
      const row = await byProviderId(providerMessageId);
      return row && row.mediaStatus !== 'pending' ? row : null;
    }, timeoutMs);
  const storedBytes = (url: string) => fs.readFileSync(path.join(app.strapi.dirs.static.public, url));

  const sendMeta = async (message: Record<string, unknown>) => {
    const { waId } = newNumber();
    const value = metaInbound(waId, 'Lucía Gómez', message);
    await postMeta(app, metaPayload(value)).expect(200);
    return (value.messages as any)[0].id as string;
  };
  const sendTwilio = async (params: Record<string, string>) => {
    const form = twilioInbound(newNumber().e164, { ProfileName: 'Proveedor', ...params });
    await postTwilio(app, form).expect(200);
    return form.MessageSid as string;
  };

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({
      env: {
        ...fakes.env,
        PUBLIC_URL: 'https://crm.example.com',
        // Downloads reach providers: never in sandbox mode, so the fakes stand in.
        WHATSAPP_SANDBOX: 'false',
        WHATSAPP_MEDIA_DOWNLOAD: 'true',
        WHATSAPP_MEDIA_MAX_BYTES: String(MAX_BYTES),
      },
    });
    admin = await createAdminJwt(app);
    jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#b03020' } }).jpeg({ quality: 90 }).toBuffer();
  });
  afterEach(async () => {
    await settleWebhooks(app.strapi);
    await app.strapi.plugin('whatsapp').service('inboundMedia').idle();
    fakes.reset();
  });
  afterAll(async () => {
    // Files this suite put under public/uploads go with it.
    if (app) {
      const files = await app.strapi.db.query(FILE_UID as any).findMany({});
      for (const file of files) await app.strapi.plugin('upload').service('upload').remove(file);
    }
    await app?.stop();
    await fakes?.close();
  });

  it('Meta image: looked up and downloaded with the Bearer token, stored in the WhatsApp folder, linked, shown in the thread', async () => {
    const mediaId = fakes.meta.addMedia({ bytes: jpeg, mimeType: 'image/jpeg' });
    const id = await sendMeta({ type: 'image', image: { caption: 'Así quedó la defensa', mime_type: 'image/jpeg', sha256: 'ignored=', id: mediaId } });
    const row = await settled(id);
    expect(row).toMatchObject({ mediaStatus: 'stored', mediaError: null });
    expect(row.mediaFileId).toEqual(expect.any(Number));

    const file = await fileRow(row.mediaFileId);
    expect(file).toMatchObject({ mime: 'image/jpeg', ext: '.jpg', width: 64, height: 48, caption: 'Así quedó la defensa' });
    expect(file.name).toMatch(/^image-.+\.jpg$/);
    expect(file.folder?.name).toBe('WhatsApp');
    // The media library may re-encode images (size optimization): a valid JPEG of the same picture.
    const meta = await sharp(storedBytes(file.url)).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 48 });

    const calls = fakes.meta.requests.filter((r) => r.method === 'GET');
    expect(calls.map((r) => r.path)).toEqual([`/${fakes.meta.version}/${mediaId}`, '/lookaside/whatsapp_business/attachments/']);
    for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${TEST_CREDENTIALS.metaAccessToken}`);

    const thread = await app.http().get(`/whatsapp/inbox/conversations/${row.conversationId}/messages`).set('Authorization', admin).expect(200);
    const shown = thread.body.data.find((m: any) => m.id === row.id);
    expect(shown.media).toEqual({
      kind: 'image',
      mime: 'image/jpeg',
      mediaId,
      caption: 'Así quedó la defensa',
      status: 'stored',
      error: null,
      file: { id: file.id, name: file.name, mime: 'image/jpeg', sizeKb: Number(file.size), url: file.url },
    });
    const served = await app.http().get(file.url).expect(200);
    expect(served.headers['content-type']).toMatch(/^image\/jpeg/);
  });

  it('Meta document: the exact bytes (sha256 checked), under the customer\'s file name, served from /uploads as a PDF', async () => {
    const bytes = pdf('factura');
    const mediaId = fakes.meta.addMedia({ bytes, mimeType: 'application/pdf' });
    const before = await fileCount();
    const events: any[] = [];
    const unsubscribe = app.strapi.plugin('whatsapp').service('live').subscribe((event: any) => events.push(event));
    const id = await sendMeta({ type: 'document', document: { filename: 'factura 1001.pdf', mime_type: 'application/pdf', id: mediaId } });
    const row = await settled(id);
    expect(row.mediaStatus).toBe('stored');
    // The inbox learns of it live, with the file.
    const event = await waitFor(async () => events.find((e) => e.type === 'message.media' && e.data.message.id === row.id));
    unsubscribe();
    expect(event.data).toMatchObject({ conversationId: row.conversationId, message: { media: { status: 'stored', file: { id: row.mediaFileId, mime: 'application/pdf' } } } });
    expect(await fileCount()).toBe(before + 1);
    const file = await fileRow(row.mediaFileId);
    expect(file).toMatchObject({ name: 'factura 1001.pdf', mime: 'application/pdf', ext: '.pdf' });
    expect(file.size).toBeCloseTo(bytes.length / 1000, 1);
    expect(storedBytes(file.url).equals(bytes)).toBe(true);
    const served = await app.http().get(file.url).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(served.status).toBe(200);
    expect(Buffer.compare(served.body, bytes)).toBe(0);
  });

  it('the stored type decides the extension /uploads serves, not the customer\'s file name; refused types are not stored', async () => {
    const mediaId = fakes.meta.addMedia({ bytes: pdf('html'), mimeType: 'application/pdf' });
    const id = await sendMeta({ type: 'document', document: { filename: 'factura.pdf.html', mime_type: 'application/pdf', id: mediaId } });
    const row = await settled(id);
    expect(row.mediaStatus).toBe('stored');
    const file = await fileRow(row.mediaFileId);
    expect(file).toMatchObject({ name: 'factura.pdf.html', ext: '.pdf', mime: 'application/pdf' });
    expect(file.url).toMatch(/\.pdf$/);

    // text/html is not in config/plugins.ts upload security allowedTypes.
    const before = await fileCount();
    const { url } = fakes.twilio.addMedia({ bytes: Buffer.from('<script>alert(1)</script>'), contentType: 'text/html' });
    const sid = await sendTwilio({ NumMedia: '1', MediaContentType0: 'text/html', MediaUrl0: url, MessageType: 'document' });
    const refused = await settled(sid);
    expect(refused).toMatchObject({ mediaStatus: 'failed', mediaFileId: null });
    expect(refused.mediaError).toMatch(/does not accept text\/html/);
    expect(await fileCount()).toBe(before);
  });

  it('Meta: a file whose bytes do not match the sha256 is not stored', async () => {
    const mediaId = fakes.meta.addMedia({ bytes: pdf('tampered'), mimeType: 'application/pdf', sha256: 'a'.repeat(64) });
    const before = await fileCount();
    const id = await sendMeta({ type: 'document', document: { filename: 'x.pdf', mime_type: 'application/pdf', id: mediaId } });
    const row = await settled(id);
    expect(row).toMatchObject({ mediaStatus: 'failed', mediaFileId: null });
    expect(row.mediaError).toMatch(/sha256/);
    expect(await fileCount()).toBe(before);
  });

  it('Meta: an expired download URL (404) is looked up again once, then given up', async () => {
    const mediaId = fakes.meta.addMedia({ bytes: pdf('expired'), mimeType: 'application/pdf', urlTtlMs: 0 });
    const id = await sendMeta({ type: 'document', document: { filename: 'y.pdf', mime_type: 'application/pdf', id: mediaId } });
    const row = await settled(id);
    expect(row.mediaStatus).toBe('failed');
    const paths = fakes.meta.requests.map((r) => r.path);
    expect(paths.filter((p) => p === `/${fakes.meta.version}/${mediaId}`)).toHaveLength(2);
    expect(paths.filter((p) => p.startsWith('/lookaside/'))).toHaveLength(2);
  });

  it('Meta: a transient 503 on the lookup is retried and the file stored', async () => {
    fakes.meta.failNextRaw({ status: 503, body: '<html><body>Service Unavailable</body></html>', contentType: 'text/html' });
    const bytes = pdf('retry');
    const mediaId = fakes.meta.addMedia({ bytes, mimeType: 'application/pdf' });
    const id = await sendMeta({ type: 'document', document: { filename: 'retry.pdf', mime_type: 'application/pdf', id: mediaId } });
    const row = await settled(id);
    expect(row.mediaStatus).toBe('stored');
    expect(storedBytes((await fileRow(row.mediaFileId)).url).equals(bytes)).toBe(true);
    expect(fakes.meta.requests.filter((r) => r.path === `/${fakes.meta.version}/${mediaId}`)).toHaveLength(2);
  });

  it('Meta: an unknown media id (Graph error 100) fails at once, without retries', async () => {
    const id = await sendMeta({ type: 'image', image: { mime_type: 'image/jpeg', id: '987654321' } });
    const row = await settled(id);
    expect(row.mediaStatus).toBe('failed');
    expect(row.mediaError).toMatch(/does not exist/);
    expect(fakes.meta.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
  });

  it('Meta: a file larger than WHATSAPP_MEDIA_MAX_BYTES is marked too-large, nothing stored (from Meta file_size, or from Content-Length when file_size lies)', async () => {
    const before = await fileCount();
    const big = Buffer.alloc(MAX_BYTES + 1000, 7);
    const declared = fakes.meta.addMedia({ bytes: big, mimeType: 'application/pdf' });
    const lying = fakes.meta.addMedia({ bytes: big, mimeType: 'application/pdf', fileSize: 1000 });
    const first = await sendMeta({ type: 'document', document: { filename: 'big.pdf', mime_type: 'application/pdf', id: declared } });
    const second = await sendMeta({ type: 'document', document: { filename: 'big2.pdf', mime_type: 'application/pdf', id: lying } });
    expect(await settled(first)).toMatchObject({ mediaStatus: 'too-large', mediaFileId: null });
    expect(await settled(second)).toMatchObject({ mediaStatus: 'too-large', mediaFileId: null });
    expect(await fileCount()).toBe(before);
    // The declared size was enough to refuse: its bytes were never requested.
    expect(fakes.meta.requests.filter((r) => r.path.startsWith('/lookaside/'))).toHaveLength(1);
  });

  it('the webhook is answered, and applied, without waiting for the download', async () => {
    // The download takes 5 s: the message is applied (still pending its file) well before that,
    // which an apply that waited for the download could not show, however fast the machine.
    fakes.meta.delayNext(5000);
    const mediaId = fakes.meta.addMedia({ bytes: pdf('slow'), mimeType: 'application/pdf' });
    const started = Date.now();
    const id = await sendMeta({ type: 'document', document: { filename: 'slow.pdf', mime_type: 'application/pdf', id: mediaId } });
    await settleWebhooks(app.strapi);
    expect(await byProviderId(id)).toMatchObject({ direction: 'in', mediaStatus: 'pending' });
    const row = await settled(id);
    expect(row.mediaStatus).toBe('stored');
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
  });

  it('Twilio document: basic auth on the API, 307 to the CDN followed without the credentials', async () => {
    const bytes = pdf('poliza');
    // The CDN under another origin (localhost), like Twilio's: credentials must not follow.
    const { url } = fakes.twilio.addMedia({ bytes, contentType: 'application/pdf', cdnHost: 'localhost' });
    const sid = await sendTwilio({ NumMedia: '1', MediaContentType0: 'application/pdf', MediaUrl0: url, MessageType: 'document', Body: 'Mi póliza' });
    const row = await settled(sid);
    expect(row.mediaStatus).toBe('stored');
    const file = await fileRow(row.mediaFileId);
    expect(file).toMatchObject({ mime: 'application/pdf', ext: '.pdf', caption: 'Mi póliza' });
    expect(file.name).toBe(`document-${sid}.pdf`);
    expect(storedBytes(file.url).equals(bytes)).toBe(true);

    const [api, cdn] = fakes.twilio.requests;
    expect(api).toMatchObject({ method: 'GET', auth: { user: TEST_CREDENTIALS.twilioAccountSid, pass: TEST_CREDENTIALS.twilioAuthToken } });
    expect(cdn.path).toMatch(/^\/cdn\/media\.twiliocdn\.com\//);
    expect(cdn.headers.host).toMatch(/^localhost:/);
    expect(cdn.auth).toBeNull();
    expect(cdn.headers.authorization).toBeUndefined();
  });

  it('Twilio image: a transient 500 (20500) is retried and the image stored', async () => {
    fakes.twilio.failNext({ status: 500, code: 20500, message: 'Internal Server Error' });
    const { url } = fakes.twilio.addMedia({ bytes: jpeg, contentType: 'image/jpeg' });
    const sid = await sendTwilio({ NumMedia: '1', MediaContentType0: 'image/jpeg', MediaUrl0: url, MessageType: 'image' });
    const row = await settled(sid);
    expect(row.mediaStatus).toBe('stored');
    expect(await fileRow(row.mediaFileId)).toMatchObject({ mime: 'image/jpeg', width: 64, height: 48 });
    expect(fakes.twilio.requests.filter((r) => r.path.includes('/Media/'))).toHaveLength(2);
  });

  it('Twilio: a file over the cap is too-large and nothing is stored', async () => {
    const before = await fileCount();
    const { url } = fakes.twilio.addMedia({ bytes: Buffer.alloc(MAX_BYTES + 1, 1), contentType: 'application/pdf' });
    const sid = await sendTwilio({ NumMedia: '1', MediaContentType0: 'application/pdf', MediaUrl0: url, MessageType: 'document' });
    expect(await settled(sid)).toMatchObject({ mediaStatus: 'too-large', mediaFileId: null });
    expect(await fileCount()).toBe(before);
  });

  it('Twilio: a media URL on another host is refused and never fetched', async () => {
    const before = await fileCount();
    // Twilio's path shape, but on the Meta fake's port: not the configured TWILIO_API_BASE_URL.
    const foreign = `${fakes.meta.url}/2010-04-01/Accounts/${TEST_CREDENTIALS.twilioAccountSid}/Messages/MM0123/Media/ME0123`;
    const sid = await sendTwilio({ NumMedia: '1', MediaContentType0: 'image/jpeg', MediaUrl0: foreign, MessageType: 'image' });
    const row = await settled(sid);
    expect(row).toMatchObject({ mediaStatus: 'failed', mediaFileId: null });
    expect(row.mediaError).toMatch(/refused/);
    expect(fakes.meta.requests).toHaveLength(0);
    expect(fakes.twilio.requests).toHaveLength(0);
    expect(await fileCount()).toBe(before);
  });

  it('in sandbox mode nothing is fetched; switching the sandbox off downloads what waited', async () => {
    await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { sandbox: true } }).expect(200);
    try {
      const bytes = pdf('sandbox');
      const mediaId = fakes.meta.addMedia({ bytes, mimeType: 'application/pdf' });
      const id = await sendMeta({ type: 'document', document: { filename: 'cotizacion.pdf', mime_type: 'application/pdf', id: mediaId } });
      await settleWebhooks(app.strapi);
      await app.strapi.plugin('whatsapp').service('inboundMedia').idle();
      expect(await byProviderId(id)).toMatchObject({ mediaStatus: 'pending', mediaFileId: null });
      expect(fakes.meta.requests.filter((r) => r.method === 'GET')).toEqual([]);

      await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { sandbox: false } }).expect(200);
      const row = await settled(id);
      expect(row.mediaStatus).toBe('stored');
      expect(storedBytes((await fileRow(row.mediaFileId)).url).equals(bytes)).toBe(true);
    } finally {
      await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { sandbox: false } }).expect(200);
    }
  });

  it('a message left pending (process stopped) is picked up by the startup sweep', async () => {
    const bytes = pdf('sweep');
    const mediaId = fakes.meta.addMedia({ bytes, mimeType: 'application/pdf' });
    const service = app.strapi.plugin('whatsapp').service('inboundMedia');
    await service.stop();
    const id = await sendMeta({ type: 'document', document: { filename: 'sweep.pdf', mime_type: 'application/pdf', id: mediaId } });
    await settleWebhooks(app.strapi);
    expect(await byProviderId(id)).toMatchObject({ mediaStatus: 'pending' });
    service.start();
    const row = await settled(id);
    expect(row.mediaStatus).toBe('stored');
    expect(storedBytes((await fileRow(row.mediaFileId)).url).equals(bytes)).toBe(true);
  });
});
