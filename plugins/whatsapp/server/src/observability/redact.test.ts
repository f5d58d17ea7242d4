import { configuredSecrets, redactSecrets, redactValue, REDACTED } from './redact';

const config = {
  twilio: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'twilio-token-123' },
  meta: { accessToken: 'EAAGmeta-token-456', appSecret: 'app-secret-789', verifyToken: 'abc' },
  mediaSecret: 'media-secret-000',
  pseudonymSecret: 'media-secret-000',
  metricsToken: undefined,
} as any;

describe('redactSecrets: the configured secrets never survive in text', () => {
  const secrets = configuredSecrets(config);

  it('each secret as is, base64 (with and without padding), URL-encoded, and the Basic pair', () => {
    const basic = Buffer.from(`${config.twilio.accountSid}:${config.twilio.authToken}`).toString('base64');
    const text = `token=EAAGmeta-token-456; Authorization: Basic ${basic}; ${Buffer.from('app-secret-789').toString('base64')}; media-secret-000`;
    expect(redactSecrets(text, secrets)).toBe(`token=${REDACTED}; Authorization: Basic ${REDACTED}; ${REDACTED}; ${REDACTED}`);
  });

  it('short values (a 3-letter verify token) and ordinary text are left alone', () => {
    expect(redactSecrets('abc: Message undeliverable (131026)', secrets)).toBe('abc: Message undeliverable (131026)');
    expect(secrets).not.toContain('abc');
  });

  it('walks a provider error object', () => {
    expect(redactValue({ error: { message: 'x twilio-token-123', codes: [1, 'app-secret-789'] } }, secrets)).toEqual({ error: { message: `x ${REDACTED}`, codes: [1, REDACTED] } });
  });
});
