import { createMetaMediaUploader, MEDIA_ID_TTL_MS } from './media-upload';
import { json, startLocalServer, type LocalServer } from '../test-support/local-server';

let server: LocalServer;
let counter = 0;

beforeEach(async () => {
  counter = 0;
  server = await startLocalServer((request, response) => {
    counter += 1;
    json(200, { id: `10000${counter}` })(request, response);
  });
});
afterEach(() => server.close());

describe('Meta media uploader cache', () => {
  it('reuses an id for 29 days (Meta keeps files 30), then uploads again', async () => {
    let clock = 1_000_000;
    const uploader = createMetaMediaUploader({ url: `${server.url}/v21.0/1/media`, accessToken: 't', timeoutMs: 1000, now: () => clock });
    const bytes = Buffer.from('same');
    expect(await uploader.upload(bytes, 'application/pdf', 'a.pdf')).toBe('100001');
    clock += MEDIA_ID_TTL_MS - 1;
    expect(await uploader.upload(Buffer.from('same'), 'application/pdf', 'b.pdf')).toBe('100001');
    clock += 1;
    expect(await uploader.upload(bytes, 'application/pdf', 'a.pdf')).toBe('100002');
    expect(server.requests).toHaveLength(2);
    expect(MEDIA_ID_TTL_MS).toBe(29 * 24 * 3600 * 1000);
  });

  it('keys on the type too, and keeps at most maxEntries files (oldest out)', async () => {
    const uploader = createMetaMediaUploader({ url: `${server.url}/v21.0/1/media`, accessToken: 't', timeoutMs: 1000, maxEntries: 2 });
    await uploader.upload(Buffer.from('x'), 'image/png');
    await uploader.upload(Buffer.from('x'), 'image/jpeg');
    expect(server.requests).toHaveLength(2);
    await uploader.upload(Buffer.from('y'), 'image/png');
    expect(uploader.size).toBe(2);
    // 'x' as PNG was the oldest: uploaded again; 'y' is still known.
    await uploader.upload(Buffer.from('x'), 'image/png');
    await uploader.upload(Buffer.from('y'), 'image/png');
    expect(server.requests).toHaveLength(4);
  });

  it('takes a numeric id as text', async () => {
    server.respondWith(json(200, { id: 1234567890123 }));
    const uploader = createMetaMediaUploader({ url: `${server.url}/v21.0/1/media`, accessToken: 't', timeoutMs: 1000 });
    await expect(uploader.upload(Buffer.from('z'), 'application/pdf')).resolves.toBe('1234567890123');
  });
});
