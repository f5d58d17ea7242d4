/**
 * Sends the real `twilio` package (v5) to a fake instead of https://api.twilio.com.
 *
 * twilio-node builds absolute `https://api.twilio.com/...` URIs itself (there is no base-URL
 * option), but hands every request to `opts.httpClient.request(opts)`. Subclassing its own
 * RequestClient and rewriting `opts.uri` keeps everything else real: form encoding
 * (`MediaUrl` repeated), Basic auth, headers, error → RestException mapping.
 *
 *   const client = twilio(accountSid, authToken, { httpClient: fakeTwilioHttpClient(fake.url) });
 *
 * Kept apart from twilio.ts so that loading the fake server does not load the twilio package.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

const TWILIO_ORIGIN = 'https://api.twilio.com';

export class FakeTwilioRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = opts.uri.startsWith(TWILIO_ORIGIN) ? this.baseUrl + opts.uri.slice(TWILIO_ORIGIN.length) : opts.uri;
    return super.request({ ...opts, uri });
  }
}

export function fakeTwilioHttpClient(baseUrl: string): FakeTwilioRequestClient {
  return new FakeTwilioRequestClient(baseUrl.replace(/\/+$/, ''));
}
