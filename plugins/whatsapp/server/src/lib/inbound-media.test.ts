import {
  baseMime,
  downloadableMedia,
  extensionFor,
  matchesMime,
  mediaFilename,
  mimeAllowed,
  retryDelayMs,
} from './inbound-media';

describe('downloadableMedia', () => {
  it('accepts files with a Meta media id or a Twilio URL, from JSON text or objects', () => {
    expect(downloadableMedia('{"kind":"image","mime":"image/jpeg","mediaId":"1190"}')).toEqual({ kind: 'image', mime: 'image/jpeg', mediaId: '1190' });
    expect(downloadableMedia({ kind: 'document', url: 'https://twilio-api.example.net/x', caption: 'Hola' })).toMatchObject({ kind: 'document', url: 'https://twilio-api.example.net/x', caption: 'Hola' });
  });
  it.each([null, undefined, '', 'not json', '[]', 42, { kind: 'location', latitude: 1, longitude: 2 }, { kind: 'image' }, { kind: 'image', mediaId: '' }, { kind: 'image', mediaId: 5 }])(
    'refuses %p',
    (value) => expect(downloadableMedia(value)).toBeNull()
  );
});

describe('file names and extensions', () => {
  it('maps WhatsApp types, parameters ignored, unknown to bin', () => {
    expect(extensionFor('audio/ogg; codecs=opus')).toBe('ogg');
    expect(extensionFor('IMAGE/JPEG')).toBe('jpg');
    expect(extensionFor('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('docx');
    expect(extensionFor('application/x-whatever')).toBe('bin');
    expect(extensionFor(undefined)).toBe('bin');
    expect(baseMime(' text/plain ; charset=utf-8')).toBe('text/plain');
  });
  it("keeps the customer's name, without paths or odd characters", () => {
    expect(mediaFilename({ kind: 'document', filename: 'factura 1001.pdf' }, 'application/pdf', 'wamid.1')).toBe('factura 1001.pdf');
    expect(mediaFilename({ kind: 'document', filename: '../../etc/passwd' }, 'text/plain', 'wamid.1')).toBe('passwd.txt');
    expect(mediaFilename({ kind: 'document', filename: 'C:\\Users\\ana\\cotización' }, 'application/pdf', 'x')).toBe('cotización.pdf');
    expect(mediaFilename({ kind: 'document', filename: 'a<b>:"|?*.pdf' }, 'application/pdf', 'x')).toBe('a_b_.pdf');
    expect(mediaFilename({ kind: 'document', filename: '\u0000\u0001' }, 'application/pdf', 'SM1')).toBe('document-SM1.pdf');
  });
  it('names files without one after the kind and the provider id', () => {
    expect(mediaFilename({ kind: 'image' }, 'image/jpeg', 'SM0123')).toBe('image-SM0123.jpg');
    expect(mediaFilename({ kind: 'audio' }, 'audio/ogg; codecs=opus', 'wamid.HBg/NN')).toBe('audio-wamid.HBg_NN.ogg');
    expect(mediaFilename({ kind: 'sticker' }, undefined, 'x'.repeat(100))).toBe(`sticker-${'x'.repeat(40)}.bin`);
  });
});

describe('mimeAllowed (upload security settings)', () => {
  const security = { allowedTypes: ['image/*', 'application/pdf', 'application/vnd.openxmlformats-officedocument.*'], deniedTypes: ['image/svg+xml'] };
  it('applies allow and deny patterns', () => {
    expect(mimeAllowed('image/jpeg', security)).toBe(true);
    expect(mimeAllowed('application/pdf', security)).toBe(true);
    expect(mimeAllowed('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', security)).toBe(true);
    expect(mimeAllowed('image/svg+xml', security)).toBe(false);
    expect(mimeAllowed('text/html', security)).toBe(false);
    expect(mimeAllowed('application/pdfx', security)).toBe(false);
  });
  it('no lists, or malformed ones, restrict nothing', () => {
    expect(mimeAllowed('text/html', {})).toBe(true);
    expect(mimeAllowed('text/html', { allowedTypes: 'image/*' })).toBe(true);
    expect(matchesMime('a/b', ['*'])).toBe(true);
  });
});

describe('limits and retries', () => {
  it('backs off 1 s, 5 s, 30 s, then gives up; Retry-After stretches a wait, capped at 5 minutes', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt))).toEqual([1000, 5000, 30000, null]);
    expect(retryDelayMs(1, 20)).toBe(20000);
    expect(retryDelayMs(1, 100000)).toBe(300000);
    expect(retryDelayMs(4, 20)).toBeNull();
  });
});
