import { RebasingRequestClient, TWILIO_API_BASE_URL } from './request-client';

const client = (apiBaseUrl: string) => new RebasingRequestClient({ apiBaseUrl, timeoutMs: 1000, provider: 'twilio' });

describe('RebasingRequestClient.rebase', () => {
  const uri = `${TWILIO_API_BASE_URL}/2010-04-01/Accounts/AC1/Messages.json?PageSize=1`;

  it('sends api.twilio.com requests to the configured base', () => {
    expect(client('http://127.0.0.1:4010').rebase(uri)).toBe('http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json?PageSize=1');
    expect(client('http://proxy.local/twilio/').rebase(uri)).toBe('http://proxy.local/twilio/2010-04-01/Accounts/AC1/Messages.json?PageSize=1');
  });

  it('also rebases regional hosts (TWILIO_REGION / TWILIO_EDGE)', () => {
    expect(client('http://127.0.0.1:4010').rebase('https://api.sydney.au1.twilio.com/2010-04-01/x')).toBe('http://127.0.0.1:4010/2010-04-01/x');
  });

  it('leaves the default base and other hosts alone', () => {
    expect(client(TWILIO_API_BASE_URL).rebase(uri)).toBe(uri);
    expect(client('http://127.0.0.1:4010').rebase('https://content.twilio.com/v1/Content')).toBe('https://content.twilio.com/v1/Content');
    expect(client('http://127.0.0.1:4010').rebase('https://example.com/twilio.com')).toBe('https://example.com/twilio.com');
  });
});
