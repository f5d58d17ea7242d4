import {
  ProviderError,
  headerValue,
  networkCode,
  parseRetryAfter,
  timeoutError,
  toProviderError,
} from './errors';
import { parseMetaError } from './meta/errors';
import { parseTwilioError } from './twilio/errors';

const twilioBody = (code: number, message: string, status = 400) =>
  JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

const metaBody = (code: number, message: string, details?: string, subcode?: number) =>
  JSON.stringify({
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
      ...(subcode ? { error_subcode: subcode } : {}),
      fbtrace_id: 'AbCdEf123',
    },
  });

describe('ProviderError', () => {
  it('carries only the fields given, and the cause', () => {
    const cause = new Error('socket hang up');
    const error = new ProviderError('boom', { provider: 'meta', status: 400, code: '131047', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProviderError');
    expect(error).toMatchObject({ provider: 'meta', status: 400, code: '131047', message: 'boom' });
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.timeout).toBeUndefined();
    expect(error.cause).toBe(cause);
  });
});

describe('parseTwilioError', () => {
  it('reads code, message and more_info', () => {
    const error = parseTwilioError(400, {}, twilioBody(21211, "The 'To' number +5255 is not a valid phone number."));
    expect(error).toMatchObject({
      provider: 'twilio',
      status: 400,
      code: '21211',
      message: "The 'To' number +5255 is not a valid phone number.",
      details: { moreInfo: 'https://www.twilio.com/docs/errors/21211' },
    });
  });

  it('reads Retry-After in seconds, whatever the header case', () => {
    expect(parseTwilioError(429, { 'Retry-After': '30' }, twilioBody(20429, 'Too Many Requests', 429)).retryAfterSeconds).toBe(30);
  });

  it('uses the provider name given (twilio-sms)', () => {
    expect(parseTwilioError(400, {}, twilioBody(21610, 'Unsubscribed'), 'twilio-sms').provider).toBe('twilio-sms');
  });

  it.each([
    [503, '<html><body><h1>503 Service Unavailable</h1>\n  No server is available.</body></html>', '[HTTP 503] <html><body><h1>503 Service Unavailable</h1> No server is available.</body></html>'],
    [502, '', '[HTTP 502] Bad Gateway'],
    [500, '{"code":', '[HTTP 500] {"code":'],
    [400, '[1,2]', '[HTTP 400] [1,2]'],
    [400, '{"unexpected":true}', '[HTTP 400] {"unexpected":true}'],
    [599, '', '[HTTP 599] Unknown error'],
  ])('falls back on a non-Twilio body (%i %j)', (status, body, message) => {
    const error = parseTwilioError(status, undefined, body);
    expect(error.message).toBe(message);
    expect(error.code).toBeUndefined();
    expect(error.status).toBe(status);
  });

  it('keeps only the first 200 characters of a long body', () => {
    const error = parseTwilioError(503, {}, 'x'.repeat(5000));
    expect(error.message).toBe(`[HTTP 503] ${'x'.repeat(200)}`);
  });

  it('accepts a string code and a code without message', () => {
    expect(parseTwilioError(400, {}, '{"code":"21614"}')).toMatchObject({ code: '21614', message: '[HTTP 400] Twilio error 21614' });
  });
});

describe('parseMetaError', () => {
  it('reads code, message, details and keeps the whole error object', () => {
    const error = parseMetaError(
      400,
      {},
      metaBody(131047, '(#131047) Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.', 2494010),
    );
    expect(error.provider).toBe('meta');
    expect(error.code).toBe('131047');
    expect(error.message).toBe(
      '(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    );
    expect(error.details).toMatchObject({ error_subcode: 2494010, fbtrace_id: 'AbCdEf123' });
  });

  it('does not repeat details equal to the message', () => {
    expect(parseMetaError(400, {}, metaBody(130429, 'Rate limit hit', 'Rate limit hit')).message).toBe('Rate limit hit');
  });

  it('reads an HTTP-date Retry-After', () => {
    const at = new Date(Date.now() + 90_000).toUTCString();
    const seconds = parseMetaError(429, { 'retry-after': at }, metaBody(4, 'Application request limit reached')).retryAfterSeconds;
    expect(seconds).toBeGreaterThanOrEqual(88);
    expect(seconds).toBeLessThanOrEqual(91);
  });

  it.each([
    ['Service Unavailable', '[HTTP 503] Service Unavailable'],
    ['{"error":"nope"}', '[HTTP 503] {"error":"nope"}'],
    ['{"error":{}}', '[HTTP 503] {"error":{}}'],
    ['null', '[HTTP 503] null'],
  ])('falls back on %j', (body, message) => {
    expect(parseMetaError(503, {}, body).message).toBe(message);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-14T12:00:00Z');
  it.each([
    ['120', 120],
    [' 7 ', 7],
    ['1.2', 2],
    ['0', 0],
    ['Fri, 14 Mar 2025 12:01:30 GMT', 90],
    ['Fri, 14 Mar 2025 11:00:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %p', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
});

describe('headerValue', () => {
  it('reads fetch Headers, Node headers (arrays, numbers) and ignores case', () => {
    expect(headerValue(new Headers({ 'Retry-After': '5' }), 'retry-after')).toBe('5');
    expect(headerValue({ 'set-cookie': ['a', 'b'] }, 'Set-Cookie')).toBe('a');
    expect(headerValue({ 'content-length': 12 }, 'content-length')).toBe('12');
    expect(headerValue({ get: 'not a function' }, 'get')).toBe('not a function');
    expect(headerValue(undefined, 'x')).toBeUndefined();
  });
});

describe('toProviderError', () => {
  it('keeps a ProviderError', () => {
    const error = new ProviderError('x', { provider: 'meta' });
    expect(toProviderError('meta', error)).toBe(error);
  });

  it("converts twilio-node's RestException shape", () => {
    const restException = Object.assign(new Error('Unsubscribed recipient'), { status: 400, code: 21610, moreInfo: 'https://…' });
    expect(toProviderError('twilio', restException)).toMatchObject({ status: 400, code: '21610', message: 'Unsubscribed recipient' });
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET'])('marks %s as a network error', (code) => {
    const error = toProviderError('meta', Object.assign(new Error('socket'), { code }));
    expect(error.code).toBe(code);
    expect(error.status).toBeUndefined();
    expect(error.timeout).toBeUndefined();
  });

  it('marks timeouts (axios ECONNABORTED, ETIMEDOUT, AbortError)', () => {
    expect(toProviderError('twilio', Object.assign(new Error('timeout of 100ms exceeded'), { code: 'ECONNABORTED' })).timeout).toBe(true);
    expect(toProviderError('meta', Object.assign(new Error('t'), { code: 'ETIMEDOUT' })).timeout).toBe(true);
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(toProviderError('meta', abort)).toMatchObject({ timeout: true, code: 'ETIMEDOUT' });
  });

  it('finds the network code down the cause chain (fetch wraps it)', () => {
    const wrapped = new TypeError('fetch failed');
    Object.assign(wrapped, { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(networkCode(wrapped)).toBe('ECONNREFUSED');
    expect(toProviderError('meta', wrapped).code).toBe('ECONNREFUSED');
  });

  it('keeps other errors without status or code', () => {
    const error = toProviderError('meta', new TypeError('Cannot read properties of undefined'));
    expect(error).toMatchObject({ provider: 'meta', message: 'Cannot read properties of undefined' });
    expect(error.code).toBeUndefined();
    expect(toProviderError('meta', 'plain string').message).toBe('plain string');
    expect(toProviderError('meta', Object.assign(new Error('x'), { code: 'ERR_INVALID_URL' })).code).toBeUndefined();
  });
});

describe('timeoutError', () => {
  it('says how long we waited', () => {
    expect(timeoutError('meta', 15000)).toMatchObject({ message: 'meta did not answer within 15000 ms', timeout: true, code: 'ETIMEDOUT' });
  });
});
