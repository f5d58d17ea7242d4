import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadToFile, HttpStatusError, MediaTooLargeError, removeDownload } from './media-download';
import { ProviderError } from './errors';
import os from 'node:os';

/** A server on 127.0.0.1 that answers by path; `localhost` reaches it under another origin. */
async function serve(handler: http.RequestListener) {
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('downloadToFile', () => {
  const options = { provider: 'twilio', maxBytes: 1000, timeoutMs: 2000, headers: { authorization: 'Basic c2VjcmV0' } };
  let server: Awaited<ReturnType<typeof serve>>;
  afterEach(() => server?.close());

  it('follows redirects, sending the credentials to the first origin only', async () => {
    server = await serve((req, res) => {
      if (req.url === '/media') return res.writeHead(307, { location: `http://localhost:${server.port}/cdn` }).end();
      res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-bytes');
    });
    const file = await downloadToFile(`http://127.0.0.1:${server.port}/media`, options);
    expect(fs.readFileSync(file.filepath, 'utf8')).toBe('%PDF-bytes');
    expect(file).toMatchObject({ size: 10, contentType: 'application/pdf' });
    expect(server.seen[0].headers.authorization).toBe('Basic c2VjcmV0');
    expect(server.seen[1].headers.authorization).toBeUndefined();
    await removeDownload(file);
    expect(fs.existsSync(file.filepath)).toBe(false);
  });

  it('gives up after a few redirects', async () => {
    server = await serve((req, res) => res.writeHead(302, { location: '/again' }).end());
    await expect(downloadToFile(`http://127.0.0.1:${server.port}/`, options)).rejects.toMatchObject({ code: 'TOO_MANY_REDIRECTS' });
    expect(server.seen).toHaveLength(4);
  });

  it('refuses a redirect to another scheme', async () => {
    server = await serve((req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    await expect(downloadToFile(`http://127.0.0.1:${server.port}/`, options)).rejects.toMatchObject({ code: 'BAD_REDIRECT' });
  });

  it('stops a chunked body at the cap (no Content-Length to trust) and leaves no file', async () => {
    server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const timer = setInterval(() => res.write(Buffer.alloc(300, 1)), 5);
      res.on('close', () => clearInterval(timer));
    });
    const before = fs.readdirSync(os.tmpdir()).filter((n: string) => n.startsWith('whatsapp-media-')).length;
    await expect(downloadToFile(`http://127.0.0.1:${server.port}/`, options)).rejects.toBeInstanceOf(MediaTooLargeError);
    const after = fs.readdirSync(os.tmpdir()).filter((n: string) => n.startsWith('whatsapp-media-')).length;
    expect(after).toBe(before);
  });

  it('refuses at once a Content-Length over the cap', async () => {
    server = await serve((req, res) => res.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000)));
    await expect(downloadToFile(`http://127.0.0.1:${server.port}/`, options)).rejects.toMatchObject({ name: 'MediaTooLargeError', size: 5000 });
  });

  it('an error answer keeps its status and body for the provider parser', async () => {
    server = await serve((req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":20404}'));
    const error = await downloadToFile(`http://127.0.0.1:${server.port}/`, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).toMatchObject({ status: 404, body: '{"code":20404}' });
  });

  it('a server that never answers is a timeout; an abort stops it too', async () => {
    server = await serve(() => undefined);
    await expect(downloadToFile(`http://127.0.0.1:${server.port}/`, { ...options, timeoutMs: 200 })).rejects.toMatchObject({ timeout: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(downloadToFile(`http://127.0.0.1:${server.port}/`, { ...options, signal: controller.signal })).rejects.toBeInstanceOf(ProviderError);
  });
});
