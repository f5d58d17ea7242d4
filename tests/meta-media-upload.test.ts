/**
 * Media-library files go to Meta as uploads (`POST /{version}/{phone-number-id}/media`) and
 * messages name them by media id, not by a link Meta has to fetch from us; the same file is
 * uploaded once. Twilio still gets the signed, expiring link. Against the fake Meta and Twilio,
 * sandbox off.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createApiToken } from './helpers/auth';
import { setLastInbound, UID, waitForStatus } from './helpers/whatsapp';
import { waitFor } from './helpers/wait';
import { startFakes, type Fakes } from './fakes';

describe('Meta: media uploaded to the Cloud API and sent by media id', () => {
  let app: TestApp;
  let fakes: Fakes;
  let token: string;
  let fileId: number;
  let onDisk: Buffer;
  // Not plain ASCII, so a multipart body mangled as text would show.
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]), Buffer.from('\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')]);

  const post = (data: unknown) => app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data });
  const quote = () => post({ to: '+525512345678', template: 'cotizacion', variables: { nombre: 'María', numero: 'COT-3001' }, media: fileId }).expect(201);
  const header = (payload: any) => payload.template.components.find((c: any) => c.type === 'header').parameters[0];

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'false', PUBLIC_URL: 'https://shop.example.com' } });
    token = await createApiToken(app.strapi);
    await app
      .http()
      .post('/api/whatsapp/templates')
      .set('Authorization', token)
      .send({
        data: {
          name: 'cotizacion',
          category: 'utility',
          body: 'Hola {{nombre}}, adjuntamos su cotización {{numero}}.',
          mediaHeader: 'document',
          metaName: 'cotizacion_lista_cliente',
          metaLanguage: 'es_MX',
          metaParameters: ['nombre', 'numero'],
        },
      })
      .expect(201);

    const tmp = path.join(os.tmpdir(), `cotizacion-${process.pid}-${Date.now()}.pdf`);
    fs.writeFileSync(tmp, pdf);
    const [file] = await app.strapi.plugin('upload').service('upload').upload({
      data: { fileInfo: { name: 'COT-3001.pdf' } },
      files: { filepath: tmp, originalFilename: 'COT-3001.pdf', mimetype: 'application/pdf', size: pdf.length },
    });
    fileId = file.id;
    // The file as the local upload provider stored it: what Meta must receive.
    onDisk = fs.readFileSync(path.join(app.strapi.dirs.static.public, file.url));
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it('a template with a PDF header: the file is uploaded, then the message names it by id (no link)', async () => {
    const res = await quote();
    const row = await waitForStatus(app.strapi, res.body.data.id, ['sent']);
    expect(Buffer.compare(onDisk, pdf)).toBe(0);

    expect(fakes.meta.uploads).toHaveLength(1);
    const [upload] = fakes.meta.uploads;
    expect(upload).toMatchObject({ type: 'application/pdf', mime: 'application/pdf', filename: 'COT-3001.pdf' });
    expect(Buffer.compare(upload.bytes, onDisk)).toBe(0);
    const uploadRequest = fakes.meta.requests.find((request) => request.path.endsWith('/media'));
    expect(uploadRequest).toMatchObject({ method: 'POST', path: `/${fakes.env.META_GRAPH_VERSION}/${fakes.env.META_PHONE_NUMBER_ID}/media` });
    expect(uploadRequest?.headers.authorization).toBe('Bearer test-meta-token');

    expect(fakes.meta.sent).toHaveLength(1);
    expect(row).toMatchObject({ provider: 'meta', providerMessageId: fakes.meta.sent[0].id });
    expect(header(fakes.meta.sent[0].payload)).toEqual({ type: 'document', document: { id: upload.id, filename: 'COT-3001.pdf' } });
    expect(JSON.stringify(fakes.meta.sent[0].payload)).not.toContain('/api/whatsapp/media/');
  });

  it('the same file again, as a template or as a document with a caption: no second upload', async () => {
    const [upload] = fakes.meta.uploads;
    const second = await quote();
    await waitForStatus(app.strapi, second.body.data.id, ['sent']);
    await setLastInbound(app.strapi, '+525512345678', new Date());
    const free = await post({ to: '+525512345678', body: 'Aquí está su cotización', media: fileId }).expect(201);
    await waitForStatus(app.strapi, free.body.data.id, ['sent']);

    expect(fakes.meta.uploads).toHaveLength(1);
    expect(fakes.meta.sent).toHaveLength(3);
    expect(header(fakes.meta.sent[1].payload).document).toEqual({ id: upload.id, filename: 'COT-3001.pdf' });
    expect(fakes.meta.sent[2].payload).toMatchObject({ type: 'document', document: { id: upload.id, filename: 'COT-3001.pdf', caption: 'Aquí está su cotización' } });
    expect(fakes.meta.sent[2].payload.document).not.toHaveProperty('link');
  });

  it('Twilio still gets the signed, expiring link (MediaUrl), which serves the file', async () => {
    await setLastInbound(app.strapi, '+525599990000', new Date());
    const res = await post({ to: '+525599990000', sender: 'twilio', body: 'Su cotización', media: fileId }).expect(201);
    await waitForStatus(app.strapi, res.body.data.id, ['sent']);
    const [link] = fakes.twilio.sent.at(-1)?.mediaUrls ?? [];
    expect(link).toMatch(/^https:\/\/shop\.example\.com\/api\/whatsapp\/media\/[\w-]+\.[\w-]+$/);
    const fetched = await app.http().get(new URL(link).pathname).buffer(true).expect(200);
    expect(Buffer.compare(fetched.body, onDisk)).toBe(0);
    expect(fakes.meta.uploads).toHaveLength(1);
  });

  describe('an upload Meta refuses fails the message like a send would', () => {
    let otherFileId: number;

    beforeAll(async () => {
      // Other bytes, so nothing is cached and the upload is what the scripted answer hits.
      const bytes = Buffer.from(`%PDF-1.4\n% otra ${Date.now()}\n%%EOF\n`);
      const tmp = path.join(os.tmpdir(), `factura-${process.pid}-${Date.now()}.pdf`);
      fs.writeFileSync(tmp, bytes);
      const [file] = await app.strapi.plugin('upload').service('upload').upload({
        data: { fileInfo: { name: 'FAC-1.pdf' } },
        files: { filepath: tmp, originalFilename: 'FAC-1.pdf', mimetype: 'application/pdf', size: bytes.length },
      });
      otherFileId = file.id;
    });

    it('Meta 131053 (media upload error): failed with that code, no message sent', async () => {
      fakes.meta.failNext({ code: 131053, message: 'Media upload error', details: 'Unsupported file type' });
      const sentBefore = fakes.meta.sent.length;
      const uploadsBefore = fakes.meta.uploads.length;
      const res = await post({ to: '+525512345678', template: 'cotizacion', variables: { nombre: 'a', numero: 'b' }, media: otherFileId }).expect(201);
      const row = await waitForStatus(app.strapi, res.body.data.id, ['failed']);
      expect(row).toMatchObject({ errorCode: '131053', attempts: 1 });
      const attempts = await app.strapi.db.query(UID.attempt as any).findMany({ where: { messageId: res.body.data.id } });
      expect(attempts).toEqual([expect.objectContaining({ outcome: 'failed', providerCode: '131053', httpStatus: 400, provider: 'meta' })]);
      expect(fakes.meta.sent).toHaveLength(sentBefore);
      expect(fakes.meta.uploads).toHaveLength(uploadsBefore);
    });

    it('an upload answered 503: back in the queue for a retry, not failed', async () => {
      fakes.meta.failNextRaw({ status: 503, body: 'Service Unavailable' });
      const res = await post({ to: '+525512345678', template: 'cotizacion', variables: { nombre: 'a', numero: 'b' }, media: otherFileId }).expect(201);
      const row = await waitFor(async () => {
        const r = await app.strapi.db.query(UID.message as any).findOne({ where: { id: res.body.data.id } });
        return r.deliveryStatus === 'queued' && r.attempts === 1 ? r : null;
      });
      expect(row.errorText).toMatch(/503/);
      expect(new Date(row.dueAt).getTime()).toBeGreaterThan(Date.now());
    });
  });
});
