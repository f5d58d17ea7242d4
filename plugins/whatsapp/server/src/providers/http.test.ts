import { ProviderError } from './errors';
import { createJsonHttpClient, type JsonHttpClient } from './http';
import { hang, json, startLocalServer, type LocalServer } from './test-support/local-server';

let server: LocalServer;
let client: JsonHttpClient;

beforeEach(async () => {
  server = await startLocalServer(json(200, { ok: true }));
  // Generous: a busy CI machine must not turn a healthy loopback request into a timeout.
  client = createJsonHttpClient({ provider: 'meta', timeoutMs: 10_000 });
});
afterEach(async () => {
  client.close();
  await server.close();
});

describe('createJsonHttpClient', () => {
  it('POSTs JSON with the headers given and returns status, headers and text', async () => {
    const response = await client.postJson(`${server.url}/a?b=1`, { ñ: '🎉' }, { authorization: 'Bearer x' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.text)).toEqual({ ok: true });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/a?b=1', body: '{"ñ":"🎉"}' });
    expect(request.headers).toMatchObject({ authorization: 'Bearer x', 'content-type': 'application/json', accept: 'application/json' });
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength('{"ñ":"🎉"}')));
  });

  it('returns error statuses as responses (the provider decides what they mean)', async () => {
    server.respondWith(json(400, { error: {} }));
    await expect(client.postJson(server.url, {})).resolves.toMatchObject({ status: 400 });
  });

  it('keeps connections alive between requests', async () => {
    for (let index = 0; index < 20; index += 1) await client.postJson(server.url, { index });
    expect(server.connections()).toBe(1);
  });

  it('gives up after the deadline even when the server keeps the socket open', async () => {
    server.respondWith(hang);
    const impatient = createJsonHttpClient({ provider: 'meta', timeoutMs: 200 });
    const error = await impatient.postJson(server.url, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'meta', timeout: true, code: 'ETIMEDOUT' });
    impatient.close();
  });

  it('times out a response that starts but never finishes', async () => {
    server.respondWith((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"partial":');
    });
    const impatient = createJsonHttpClient({ provider: 'meta', timeoutMs: 200 });
    await expect(impatient.postJson(server.url, {})).rejects.toMatchObject({ timeout: true });
    impatient.close();
  });

  it('rejects a malformed URL before sending', async () => {
    expect(() => client.postJson('not a url', {})).toThrow();
  });
});
