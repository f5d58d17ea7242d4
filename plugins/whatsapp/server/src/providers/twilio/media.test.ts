import { isTwilioMediaUrl } from './media';

describe('isTwilioMediaUrl', () => {
  const media = 'https://twilio-api.example.net/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1';
  it('accepts the configured origin under /2010-04-01/Accounts/', () => {
    expect(isTwilioMediaUrl(media, 'https://twilio-api.example.net')).toBe(true);
    expect(isTwilioMediaUrl('http://127.0.0.1:4567/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1', 'http://127.0.0.1:4567/')).toBe(true);
  });
  it.each([
    ['another host', 'https://evil.example.com/2010-04-01/Accounts/AC1/Media/ME1'],
    ['a look-alike host', 'https://twilio-api.example.net.evil.example.com/2010-04-01/Accounts/AC1/Media/ME1'],
    ['plain http', 'http://twilio-api.example.net/2010-04-01/Accounts/AC1/Media/ME1'],
    ['another port', 'https://twilio-api.example.net:8443/2010-04-01/Accounts/AC1/Media/ME1'],
    ['credentials in the URL', 'https://user:pw@twilio-api.example.net/2010-04-01/Accounts/AC1/Media/ME1'],
    ['another path', 'https://twilio-api.example.net/v1/Services'],
    ['a path escaping the prefix', 'https://twilio-api.example.net/2010-04-01/Accounts/../../v1/x'],
    ['not a URL', 'twilio-api.example.net/2010-04-01/Accounts/AC1'],
    ['another scheme', 'file:///etc/passwd'],
  ])('refuses %s', (_what, url) => expect(isTwilioMediaUrl(url, 'https://twilio-api.example.net')).toBe(false));
  it('refuses everything when the base is not a URL', () => expect(isTwilioMediaUrl(media, 'nonsense')).toBe(false));
});
