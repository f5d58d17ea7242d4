/**
 * Abusive clients on the public routes (middlewares/public-limits.ts, config/server.ts): a source
 * flooding bad webhook signatures is answered 429 + Retry-After while a validly signed webhook
 * from the same source still gets through and is stored; a health flood is answered 429; a
 * client trickling its headers or body is cut off by the server's time limits; an over-limit
 * webhook body is refused 413 with nothing stored. Small limits, so the test stays fast.
 */
import net from 'net';
import type { AddressInfo } from 'net';
import { startStrapi, type TestApp } from './helpers/strapi';
import { metaPayload, metaText, postMeta, settleWebhooks } from './helpers/webhooks';
import { count, UID } from './helpers/whatsapp';
import { metaJson } from './fakes/sign';

const BAD_PER_MINUTE = 5;
const HEALTH_PER_MINUTE = 10;
const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;

/** A raw socket that sends `head` at once, then one byte of `trickle` every `everyMs`; resolves when the server closes it. */
function trickle(port: number, head: string, trickled: string, everyMs: number) {
  return new Promise<{ elapsedMs: number; answer: string }>((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      let i = 0;
      timer = setInterval(() => {
        if (i < trickled.length && socket.writable) socket.write(trickled[i++]);
      }, everyMs);
    });
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ elapsedMs: Date.now() - started, answer });
    });
  });
}

describe('public routes under abusive clients', () => {
  let app: TestApp;
  let port: number;

  beforeAll(async () => {
    app = await startStrapi({
      env: {
        WHATSAPP_LIMIT_BAD_PER_MINUTE: String(BAD_PER_MINUTE),
        WHATSAPP_LIMIT_HEALTH_PER_MINUTE: String(HEALTH_PER_MINUTE),
        HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      },
    });
    // Listening ourselves: supertest uses this port, and the raw sockets below reach the same server.
    await new Promise<void>((resolve) => app.strapi.server.httpServer.listen(0, '127.0.0.1', () => resolve()));
    port = (app.strapi.server.httpServer.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('a flood of bad signatures gets 429 + Retry-After past the limit; a validly signed webhook from the same source is still stored', async () => {
    const before = await count(app.strapi, UID.webhookEvent);
    const payload = metaPayload(metaText('5215512345678', 'Flood', 'hola'));

    for (let i = 0; i < BAD_PER_MINUTE; i += 1) {
      const res = await postMeta(app, payload, { signature: `sha256=${'0'.repeat(64)}` });
      expect(res.status).toBe(403);
    }
    const limited = await postMeta(app, payload, { signature: `sha256=${'0'.repeat(64)}` });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(Math.ceil(60 / BAD_PER_MINUTE));
    expect(limited.body.data).toBeNull();
    expect(limited.body.error).toMatchObject({ status: 429, name: 'RateLimitError' });
    expect(limited.body.error.details.errors[0]).toMatchObject({ path: [], rule: 'rate-limit' });

    // No signature at all from a source over its limit: refused before the body is read.
    const unsigned = await postMeta(app, payload, { signature: null });
    expect(unsigned.status).toBe(429);
    expect(unsigned.headers['retry-after']).toBeDefined();
    // The Meta handshake with a wrong verify token counts too.
    const verify = await app.http().get('/api/whatsapp/webhooks/meta').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' });
    expect(verify.status).toBe(429);
    await settleWebhooks(app.strapi);
    expect(await count(app.strapi, UID.webhookEvent)).toBe(before);

    // The provider, from the same source, right after: never limited.
    for (let i = 0; i < 3; i += 1) {
      const signed = await postMeta(app, metaPayload(metaText('5215512345678', 'Cliente', `mensaje ${i}`)));
      expect(signed.status).toBe(200);
      expect(signed.body.data).toMatchObject({ received: 1, stored: 1 });
    }
    await settleWebhooks(app.strapi);
    expect(await count(app.strapi, UID.webhookEvent)).toBe(before + 3);

    // A media link with a bad token from the same source: also a refused credential, 429.
    const media = await app.http().get('/api/whatsapp/media/not-a-token');
    expect(media.status).toBe(429);
    expect(media.headers['retry-after']).toBeDefined();
  });

  it('a health flood gets 429 + Retry-After past the per-source limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < HEALTH_PER_MINUTE + 3; i += 1) statuses.push((await app.http().get('/api/whatsapp/health')).status);
    expect(statuses.slice(0, HEALTH_PER_MINUTE)).toEqual(Array(HEALTH_PER_MINUTE).fill(200));
    expect(statuses.slice(HEALTH_PER_MINUTE)).toEqual([429, 429, 429]);
    const res = await app.http().get('/api/whatsapp/health');
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.body.error.message).toMatch(/health requests/);
  });

  it('a client trickling its body is answered 408 and disconnected at the request time limit', async () => {
    const before = await count(app.strapi, UID.webhookEvent);
    const body = metaJson(metaPayload(metaText('5215512345678', 'Lento', 'hola')));
    const head = `POST /api/whatsapp/webhooks/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Hub-Signature-256: sha256=${'0'.repeat(64)}\r\n\r\n`;
    const { elapsedMs, answer } = await trickle(port, head, body, 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    // The limit, Node's check interval, a busy machine.
    expect(elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 4000);
    await settleWebhooks(app.strapi);
    expect(await count(app.strapi, UID.webhookEvent)).toBe(before);
  });

  it('a client trickling its headers is answered 408 and disconnected at the headers time limit', async () => {
    const { elapsedMs, answer } = await trickle(port, 'GET /api/whatsapp/health HTTP/1.1\r\n', 'X-Slow: ' + 'a'.repeat(200), 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(elapsedMs).toBeLessThan(HEADERS_TIMEOUT_MS + 4000);
  });

  it('a webhook body over the limit is refused 413 naming the limit, nothing stored', async () => {
    const before = await count(app.strapi, UID.webhookEvent);
    // 6 MB of text in one message: over the 5 MB webhook limit, validly signed.
    const raw = metaJson(metaPayload(metaText('5215512345678', 'Grande', 'x'.repeat(6 * 1024 * 1024))));
    const res = await postMeta(app, null, { raw });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ status: 413, name: 'PayloadTooLargeError' });
    expect(res.body.error.details.errors[0]).toMatchObject({ rule: 'max-size' });
    expect(res.body.error.message).toMatch(/5mb/);
    await settleWebhooks(app.strapi);
    expect(await count(app.strapi, UID.webhookEvent)).toBe(before);
  });
});
