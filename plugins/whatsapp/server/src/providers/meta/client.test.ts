import { ProviderError } from '../errors';
import { createMetaProvider, type MetaProvider, type MetaProviderOptions } from './client';
import { hang, json, startLocalServer, text, type LocalServer, type RecordedRequest, type Responder } from '../test-support/local-server';
import type { OutboundMessage } from '../types';

const PHONE_NUMBER_ID = '106540352242922';
const WAMID = 'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABEYEjdBMzY2QkVGMDM0QkQ0MEI2QQA=';
const accepted = (id = WAMID) =>
  json(200, { messaging_product: 'whatsapp', contacts: [{ input: '525512345678', wa_id: '5215512345678' }], messages: [{ id }] });
const metaError = (status: number, code: number, message: string, details?: string, headers: Record<string, string> = {}) =>
  json(
    status,
    {
      error: {
        message,
        type: 'OAuthException',
        code,
        ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
        fbtrace_id: 'A1b2C3d4',
      },
    },
    headers,
  );

const message: OutboundMessage = { id: 77, to: '+525512345678', from: '+15550001111', body: 'Hola José 🎉' };

let server: LocalServer;
const open: MetaProvider[] = [];

beforeEach(async () => {
  server = await startLocalServer(accepted());
});
afterEach(async () => {
  for (const provider of open.splice(0)) provider.close();
  await server.close();
});

function provider(extra: Partial<MetaProviderOptions> = {}): MetaProvider {
  const created = createMetaProvider({ accessToken: 'EAAG-token', phoneNumberId: PHONE_NUMBER_ID, graphBaseUrl: server.url, ...extra });
  open.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof ProviderError) return error;
  throw new Error(`expected a ProviderError, got ${String(error)}`);
}

describe('meta provider — requests', () => {
  it('POSTs the text message JSON with the bearer token and returns the wamid', async () => {
    const meta = provider();
    expect(meta.name).toBe('meta');
    await expect(meta.send(message)).resolves.toEqual({ providerMessageId: WAMID, httpStatus: 200 });
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
    expect(request.headers.authorization).toBe('Bearer EAAG-token');
    expect(request.headers['content-type']).toBe('application/json');
    expect(Number(request.headers['content-length'])).toBe(Buffer.byteLength(request.body));
    expect(JSON.parse(request.body)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '525512345678',
      biz_opaque_callback_data: '77',
      type: 'text',
      text: { body: 'Hola José 🎉', preview_url: false },
    });
  });

  it('uses the Graph version given and tolerates a trailing slash on the base URL', async () => {
    await provider({ graphVersion: 'v22.0', graphBaseUrl: `${server.url}/` }).send(message);
    expect(server.requests[0].url).toBe(`/v22.0/${PHONE_NUMBER_ID}/messages`);
  });

  it('sends a template with a document header', async () => {
    await provider().send({
      ...message,
      body: undefined,
      media: { url: 'https://tienda.mx/f/1.pdf', mime: 'application/pdf', filename: 'Factura.pdf', kind: 'document' },
      template: { meta: { name: 'factura_lista', language: 'es_MX', parameters: [{ name: '1', value: 'José' }] } },
    });
    expect(JSON.parse(server.requests[0].body)).toMatchObject({
      type: 'template',
      template: {
        name: 'factura_lista',
        language: { code: 'es_MX' },
        components: [
          { type: 'header', parameters: [{ type: 'document', document: { link: 'https://tienda.mx/f/1.pdf', filename: 'Factura.pdf' } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'José' }] },
        ],
      },
    });
  });

  it('sends nothing for an invalid message', async () => {
    const meta = provider();
    const error = await failure(meta.send({ ...message, body: '' }));
    expect(meta.classify(error)).toEqual({ kind: 'permanent' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('meta provider — errors', () => {
  it('maps 131047 (HTTP 400) to outside-window with Meta’s details in the message', async () => {
    server.respondWith(
      metaError(400, 131047, '(#131047) Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'),
    );
    const meta = provider();
    const error = await failure(meta.send(message));
    expect(error).toMatchObject({ provider: 'meta', status: 400, code: '131047' });
    expect(error.message).toContain('more than 24 hours');
    expect(meta.classify(error)).toEqual({ kind: 'outside-window' });
  });

  it('maps a throughput rate limit answered with 400 to rate-limited', async () => {
    server.respondWith(metaError(400, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.'));
    const meta = provider();
    expect(meta.classify(await failure(meta.send(message)))).toEqual({ kind: 'rate-limited' });
  });

  it('keeps Retry-After of a 429', async () => {
    server.respondWith(metaError(429, 80007, '(#80007) Rate limit issues', undefined, { 'retry-after': '20' }));
    const meta = provider();
    expect(meta.classify(await failure(meta.send(message)))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 20 });
  });

  it('maps 131050 to opted-out and an expired token (401, 190) to permanent', async () => {
    const meta = provider();
    server.respondWith(metaError(400, 131050, '(#131050) Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.'));
    expect(meta.classify(await failure(meta.send(message)))).toEqual({ kind: 'opted-out' });
    server.respondWith(metaError(401, 190, 'Error validating access token: Session has expired'));
    expect(meta.classify(await failure(meta.send(message)))).toEqual({ kind: 'permanent' });
  });

  it('falls back to the body for a non-JSON 502', async () => {
    server.respondWith(text(502, '<html>\n<h1>Bad Gateway</h1>\n</html>'));
    const meta = provider();
    const error = await failure(meta.send(message));
    expect(error.message).toBe('[HTTP 502] <html> <h1>Bad Gateway</h1> </html>');
    expect(meta.classify(error)).toEqual({ kind: 'transient' });
  });

  it('refuses a 200 without a message id, as permanent (it may have been sent)', async () => {
    server.respondWith(json(200, { messaging_product: 'whatsapp', messages: [] }));
    const meta = provider();
    const error = await failure(meta.send(message));
    expect(error.code).toBe('NO_MESSAGE_ID');
    expect(meta.classify(error)).toEqual({ kind: 'permanent' });
  });

  it('times out a hung request as transient', async () => {
    server.respondWith(hang);
    const meta = provider({ timeoutMs: 150 });
    const started = Date.now();
    const error = await failure(meta.send(message));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({ timeout: true, message: 'meta did not answer within 150 ms' });
    expect(meta.classify(error)).toEqual({ kind: 'transient' });
  });

  it('reports a connection closed mid-response as transient', async () => {
    server.respondWith((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"messages":');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    const meta = provider();
    const error = await failure(meta.send(message));
    expect(error.code).toBe('ECONNRESET');
    expect(meta.classify(error)).toEqual({ kind: 'transient' });
  });

  it('reports a refused connection as transient', async () => {
    const meta = provider();
    await server.close();
    const error = await failure(meta.send(message));
    expect(error.code).toBe('ECONNREFUSED');
    expect(meta.classify(error)).toEqual({ kind: 'transient' });
    server = await startLocalServer(accepted());
  });
});

describe('meta provider — media uploaded to Meta and sent by id', () => {
  const MEDIA_ID = '4490709327384033';
  // ASCII only: the local server keeps bodies as UTF-8 text.
  const pdfBytes = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  let loads = 0;
  const withPdf = (bytes = pdfBytes): OutboundMessage => ({
    ...message,
    body: 'Su cotización',
    media: {
      url: 'https://tienda.mx/api/whatsapp/media/token',
      mime: 'application/pdf',
      filename: 'COT-2001.pdf',
      kind: 'document',
      load: async () => {
        loads += 1;
        return bytes;
      },
    },
  });
  /** Answers uploads with `upload`, messages with a wamid. */
  const graph =
    (upload: Responder = json(200, { id: MEDIA_ID })): Responder =>
    (request, response) =>
      (request.url.endsWith('/media') ? upload : accepted())(request, response);
  const uploads = () => server.requests.filter((request) => request.url.endsWith('/media'));
  const sends = () => server.requests.filter((request) => request.url.endsWith('/messages'));
  const form = (request: RecordedRequest) =>
    new Response(request.body, { headers: { 'content-type': String(request.headers['content-type']) } }).formData();

  beforeEach(() => {
    loads = 0;
    server.respondWith(graph());
  });

  it('uploads the file (multipart, bearer token) then sends the message with the media id, no link', async () => {
    await expect(provider().send(withPdf())).resolves.toEqual({ providerMessageId: WAMID, httpStatus: 200 });
    expect(server.requests.map((request) => request.url)).toEqual([`/v21.0/${PHONE_NUMBER_ID}/media`, `/v21.0/${PHONE_NUMBER_ID}/messages`]);
    const [upload] = uploads();
    expect(upload.method).toBe('POST');
    expect(upload.headers.authorization).toBe('Bearer EAAG-token');
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const fields = await form(upload);
    expect(fields.get('messaging_product')).toBe('whatsapp');
    expect(fields.get('type')).toBe('application/pdf');
    const file = fields.get('file');
    if (!(file instanceof Blob)) throw new Error('no file part');
    expect((file as File).name).toBe('COT-2001.pdf');
    expect(file.type).toBe('application/pdf');
    expect(Buffer.compare(Buffer.from(await file.arrayBuffer()), pdfBytes)).toBe(0);
    expect(JSON.parse(sends()[0].body)).toMatchObject({ type: 'document', document: { id: MEDIA_ID, filename: 'COT-2001.pdf', caption: 'Su cotización' } });
    expect(sends()[0].body).not.toContain('link');
  });

  it('puts the media id in a template header', async () => {
    await provider().send({ ...withPdf(), body: undefined, template: { meta: { name: 'factura_lista', language: 'es_MX', parameters: [] } } });
    expect(JSON.parse(sends()[0].body).template.components).toEqual([
      { type: 'header', parameters: [{ type: 'document', document: { id: MEDIA_ID, filename: 'COT-2001.pdf' } }] },
    ]);
  });

  it('uploads the same bytes once (also when sent concurrently), other bytes again', async () => {
    const meta = provider();
    await meta.send(withPdf());
    await Promise.all([meta.send(withPdf()), meta.send(withPdf())]);
    expect(uploads()).toHaveLength(1);
    expect(sends()).toHaveLength(3);
    for (const send of sends()) expect(JSON.parse(send.body).document.id).toBe(MEDIA_ID);
    await meta.send(withPdf(Buffer.from('%PDF-1.4\nanother file\n%%EOF\n')));
    expect(uploads()).toHaveLength(2);
  });

  it('an upload refused with a Graph error (131053) fails the send with that code; nothing is sent; the next send uploads again', async () => {
    server.respondWith(graph(metaError(400, 131053, '(#131053) Media upload error', 'Unsupported file type')));
    const meta = provider();
    const error = await failure(meta.send(withPdf()));
    expect(error).toMatchObject({ provider: 'meta', status: 400, code: '131053' });
    expect(error.message).toContain('Unsupported file type');
    expect(meta.classify(error)).toEqual({ kind: 'permanent' });
    expect(sends()).toHaveLength(0);
    server.respondWith(graph());
    await meta.send(withPdf());
    expect(uploads()).toHaveLength(2);
    expect(sends()).toHaveLength(1);
  });

  it('an upload answered 429 is rate-limited (with Retry-After), 503 and a hang are transient', async () => {
    const meta = provider();
    server.respondWith(graph(metaError(429, 80007, '(#80007) Rate limit issues', undefined, { 'retry-after': '30' })));
    expect(meta.classify(await failure(meta.send(withPdf())))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 30 });
    server.respondWith(graph(text(503, '<html>Service Unavailable</html>')));
    const unavailable = await failure(meta.send(withPdf()));
    expect(unavailable.status).toBe(503);
    expect(meta.classify(unavailable)).toEqual({ kind: 'transient' });
    server.respondWith(graph(hang));
    const hung = await failure(provider({ timeoutMs: 150 }).send(withPdf()));
    expect(hung).toMatchObject({ timeout: true, message: 'meta did not answer within 150 ms' });
    expect(meta.classify(hung)).toEqual({ kind: 'transient' });
    expect(sends()).toHaveLength(0);
  });

  it('a file that cannot be read fails the send as permanent, before any request', async () => {
    const meta = provider();
    const missing = withPdf();
    missing.media!.load = () => Promise.reject(Object.assign(new Error("ENOENT: no such file or directory, open '/srv/public/uploads/x.pdf'"), { code: 'ENOENT' }));
    const error = await failure(meta.send(missing));
    expect(error.message).toMatch(/^The media file COT-2001\.pdf could not be read: ENOENT/);
    expect(meta.classify(error)).toEqual({ kind: 'permanent' });
    expect(server.requests).toHaveLength(0);
  });

  it('an invalid message is refused before the file is read or uploaded', async () => {
    const meta = provider();
    const error = await failure(meta.send({ ...withPdf(), to: '55-12' }));
    expect(meta.classify(error)).toEqual({ kind: 'permanent' });
    expect(loads).toBe(0);
    expect(server.requests).toHaveLength(0);
  });
});

describe('meta provider — concurrency', () => {
  // Throughput itself (~6,000 req/s to a loopback server on 2 cores) is measured outside the unit
  // tests: a rate assertion would flake under --detectOpenHandles or a busy CI machine.
  it('sends 2000 messages, 64 at a time, over at most 64 keep-alive connections', async () => {
    const meta = provider();
    const total = 2000;
    const concurrency = 64;
    let next = 0;
    const ids = new Set<string>();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          next += 1;
          await meta.send({ ...message, id: next });
        }
      }),
    );
    for (const request of server.requests) ids.add(JSON.parse(request.body).biz_opaque_callback_data);
    expect(server.requests).toHaveLength(total);
    expect(ids.size).toBe(total);
    expect(server.connections()).toBeLessThanOrEqual(concurrency);
  });
});
