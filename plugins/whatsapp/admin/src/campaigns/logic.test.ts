import type { Campaign } from '../../../shared/campaigns';
import type { CampaignSender } from '../../../shared/contracts';
import {
  allowedActions,
  apiFieldErrors,
  durationParts,
  emptyForm,
  fromCampaign,
  fromPacingSeconds,
  fromVariableSource,
  isLive,
  mappingsFor,
  parseFilters,
  phonesFromCsv,
  pickSender,
  senderWarnings,
  tierLimit,
  progressPercent,
  stepOfField,
  toCampaignInput,
  toPacingSeconds,
  toVariableSource,
} from './logic';

const counts = (messages: number, sent: number, failed = 0, cancelled = 0) => ({ messages, sent, failed, cancelled });

describe('campaigns screen logic', () => {
  it('progress: outcomes of the messages written, queued of the audience while launching, 100 when completed', () => {
    expect(progressPercent('running', counts(200, 50, 10, 0))).toBe(30);
    expect(progressPercent('running', counts(3, 1))).toBe(33);
    expect(progressPercent('running', counts(0, 0))).toBe(0);
    expect(progressPercent('running', null)).toBe(0);
    expect(progressPercent('running', counts(10, 50))).toBe(100);
    expect(progressPercent('completed', counts(10, 2))).toBe(100);
    expect(progressPercent('launching', counts(0, 0), { queued: 500, audienceRead: 2000 })).toBe(25);
    expect(progressPercent('launching', null, { queued: 0, audienceRead: 0 })).toBe(0);
    expect(progressPercent('paused', counts(Number.NaN, 1))).toBe(0);
  });

  it('live states are polled', () => {
    expect(['draft', 'launching', 'scheduled', 'running', 'paused', 'cancelled', 'completed'].filter((s) => isLive(s as never))).toEqual(['launching', 'scheduled', 'running']);
  });

  it('actions: by state, and only for whom has the permission', () => {
    const both = { manage: true, launch: true };
    expect(allowedActions('draft', both)).toEqual({ edit: true, launch: true, pause: false, resume: false, cancel: false, retryFailed: false });
    expect(allowedActions('running', both, 3)).toEqual({ edit: false, launch: false, pause: true, resume: false, cancel: true, retryFailed: true });
    expect(allowedActions('running', both, 0).retryFailed).toBe(false);
    expect(allowedActions('paused', both)).toMatchObject({ pause: false, resume: true, cancel: true });
    expect(allowedActions('completed', both, 2)).toMatchObject({ pause: false, resume: false, cancel: false, retryFailed: true });
    expect(allowedActions('cancelled', both, 2)).toEqual({ edit: false, launch: false, pause: false, resume: false, cancel: false, retryFailed: false });
    expect(allowedActions('draft', { manage: true, launch: false })).toMatchObject({ edit: true, launch: false });
    expect(Object.values(allowedActions('running', { manage: true, launch: false }, 5)).some(Boolean)).toBe(false);
    expect(allowedActions('draft', { manage: false, launch: true })).toMatchObject({ edit: false, launch: true });
  });

  it('pacing: messages a second or one every N seconds, both ways', () => {
    expect(toPacingSeconds('sender', 5)).toBeNull();
    expect(toPacingSeconds('perSecond', 4)).toBe(0.25);
    expect(toPacingSeconds('perSecond', 3)).toBe(0.3333);
    expect(toPacingSeconds('everySeconds', 2)).toBe(2);
    expect(toPacingSeconds('everySeconds', 0)).toBeNull();
    expect(toPacingSeconds('perSecond', -1)).toBeNull();
    expect(toPacingSeconds('perSecond', Number.NaN)).toBeNull();
    expect(fromPacingSeconds(null)).toEqual({ mode: 'sender', value: 1 });
    expect(fromPacingSeconds(0)).toEqual({ mode: 'sender', value: 1 });
    expect(fromPacingSeconds(0.25)).toEqual({ mode: 'perSecond', value: 4 });
    expect(fromPacingSeconds(2)).toEqual({ mode: 'everySeconds', value: 2 });
    expect(fromPacingSeconds('1.5' as unknown as number)).toEqual({ mode: 'everySeconds', value: 1.5 });
  });

  it('durations: the two largest units', () => {
    expect(durationParts(0)).toEqual([{ unit: 'second', value: 0 }]);
    expect(durationParts(59.2)).toEqual([{ unit: 'minute', value: 1 }]);
    expect(durationParts(125)).toEqual([
      { unit: 'minute', value: 2 },
      { unit: 'second', value: 5 },
    ]);
    expect(durationParts(3 * 86_400 + 4 * 3_600 + 5)).toEqual([
      { unit: 'day', value: 3 },
      { unit: 'hour', value: 4 },
    ]);
    expect(durationParts(7_200)).toEqual([{ unit: 'hour', value: 2 }]);
    expect(durationParts(-5)).toEqual([{ unit: 'second', value: 0 }]);
    expect(durationParts(Number.POSITIVE_INFINITY)).toEqual([{ unit: 'second', value: 0 }]);
  });

  it('variables: contact / record / fixed value, both ways', () => {
    expect(toVariableSource({ kind: 'contact', text: 'fields.placa' })).toBe('contact.fields.placa');
    expect(toVariableSource({ kind: 'record', text: 'record.customer.name' })).toBe('record.customer.name');
    expect(toVariableSource({ kind: 'value', text: '20 %' })).toEqual({ value: '20 %' });
    expect(fromVariableSource('contact.name')).toEqual({ kind: 'contact', text: 'name' });
    expect(fromVariableSource('record.vehicle.plate')).toEqual({ kind: 'record', text: 'vehicle.plate' });
    expect(fromVariableSource({ value: 20 })).toEqual({ kind: 'value', text: '20' });
    expect(mappingsFor(['nombre', 'placa'], { placa: { kind: 'value', text: 'X' }, old: { kind: 'contact', text: 'y' } })).toEqual({
      nombre: { kind: 'contact', text: 'name' },
      placa: { kind: 'value', text: 'X' },
    });
  });

  it('the form as the API input, with what cannot be sent', () => {
    const form = { ...emptyForm(), name: ' Promo ', template: 'promo', audienceKind: 'tags' as const, tags: 'taller, vip\ntaller', pacingMode: 'everySeconds' as const, pacingValue: 2 };
    form.variables = { nombre: { kind: 'contact', text: 'name' }, descuento: { kind: 'value', text: '20 %' } };
    expect(toCampaignInput(form)).toEqual({
      data: {
        name: 'Promo',
        template: 'promo',
        audience: { kind: 'tags', tags: ['taller', 'vip'] },
        variables: { nombre: 'contact.name', descuento: { value: '20 %' } },
        scheduledAt: null,
        pacingSeconds: 2,
        senderId: null,
      },
      errors: {},
    });
    const bad = toCampaignInput({ ...emptyForm(), audienceKind: 'query', filters: '{ "country": ', phonePath: ' ', scheduleMode: 'at', scheduledAt: 'not a date', pacingMode: 'perSecond', pacingValue: 0, variables: { x: { kind: 'record', text: '' } } });
    expect(bad.errors).toEqual({
      name: 'required',
      'audience.contentType': 'required',
      'audience.phonePath': 'required',
      'audience.filters': 'json',
      'variables.x': 'required',
      scheduledAt: 'date',
      pacingSeconds: 'pacing',
    });
    const query = toCampaignInput({ ...emptyForm(), name: 'q', audienceKind: 'query', contentType: 'api::customer.customer', filters: '{"country":{"$eq":"MX"}}', scheduleMode: 'at', scheduledAt: '2026-12-05T16:00:00Z' });
    expect(query.data.audience).toEqual({ kind: 'query', contentType: 'api::customer.customer', phonePath: 'phone', filters: { country: { $eq: 'MX' } } });
    expect(query.data.scheduledAt).toBe('2026-12-05T16:00:00.000Z');
    expect(toCampaignInput({ ...emptyForm(), name: 'p', audienceKind: 'phones', phones: '' }).errors).toEqual({ 'audience.phones': 'required' });
  });

  it('the sending number: the one chosen while offered, else the default, else the first', () => {
    const sender = (id: number, over: Partial<CampaignSender> = {}): CampaignSender => ({
      id,
      name: `S${id}`,
      number: `+5255000000${id}`,
      provider: 'meta',
      isDefault: false,
      messagesPerSecond: 80,
      dailyLimit: null,
      qualityRating: null,
      messagingTier: null,
      ...over,
    });
    const list = [sender(1), sender(2), sender(3)];
    expect(pickSender(list, 3, 2)?.id).toBe(3);
    // A sender no longer offered (switched off) falls back to the default.
    expect(pickSender(list, 9, 2)?.id).toBe(2);
    expect(pickSender(list, null, null)?.id).toBe(1);
    expect(pickSender([], 1, 1)).toBeNull();
  });

  it('messaging tiers as people a day, in Meta’s and Twilio’s words', () => {
    expect(['TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'].map(tierLimit)).toEqual([50, 250, 1_000, 2_000, 10_000, 100_000, Infinity]);
    expect(['250 Customers/24hr', '10K Customers/24hr', 'Unlimited', '1.5K'].map(tierLimit)).toEqual([250, 10_000, Infinity, 1_500]);
    expect([null, undefined, '', 'TIER_SOMETHING'].map(tierLimit)).toEqual([null, null, null, null]);
  });

  it('warns about a number people block or report, a low tier, or an audience above the tier', () => {
    expect(senderWarnings({ qualityRating: 'RED', messagingTier: 'TIER_10K' })).toEqual(['quality-red']);
    expect(senderWarnings({ qualityRating: 'low', messagingTier: null })).toEqual(['quality-red']);
    expect(senderWarnings({ qualityRating: 'YELLOW', messagingTier: 'TIER_250' })).toEqual(['quality-yellow', 'tier-low']);
    expect(senderWarnings({ qualityRating: 'MEDIUM', messagingTier: null })).toEqual(['quality-yellow']);
    expect(senderWarnings({ qualityRating: 'GREEN', messagingTier: 'TIER_2K' })).toEqual([]);
    // With the estimate's recipients: more people than the tier reaches in 24 hours.
    expect(senderWarnings({ qualityRating: 'GREEN', messagingTier: 'TIER_2K' }, 2_001)).toEqual(['tier-audience']);
    expect(senderWarnings({ qualityRating: 'GREEN', messagingTier: 'TIER_250' }, 300)).toEqual(['tier-audience']);
    expect(senderWarnings({ qualityRating: 'GREEN', messagingTier: 'TIER_250' }, 100)).toEqual(['tier-low']);
    expect(senderWarnings({ qualityRating: 'UNKNOWN', messagingTier: 'TIER_UNLIMITED' }, 1e6)).toEqual([]);
    expect(senderWarnings(null)).toEqual([]);
  });

  it('filters: empty, an object, or an error', () => {
    expect(parseFilters('  ')).toEqual({});
    expect(parseFilters('{"a":1}')).toEqual({ value: { a: 1 } });
    expect(parseFilters('[1]')).toEqual({ error: 'json-object' });
    expect(parseFilters('null')).toEqual({ error: 'json-object' });
    expect(parseFilters('{a:1}')).toEqual({ error: 'json' });
  });

  it('a stored draft back into the form', () => {
    const campaign = {
      id: 1,
      name: 'Promo',
      state: 'draft',
      template: 'promo',
      audience: { kind: 'query', contentType: 'api::customer.customer', filters: { country: 'MX' }, phonePath: 'customer.phone' },
      variables: { nombre: 'record.name', descuento: { value: '20' } },
      scheduledAt: '2026-12-05T16:00:00.000Z',
      pacingSeconds: 0.5,
      senderId: 3,
    } as unknown as Campaign;
    const form = fromCampaign(campaign);
    expect(form).toMatchObject({ audienceKind: 'query', contentType: 'api::customer.customer', phonePath: 'customer.phone', scheduleMode: 'at', pacingMode: 'perSecond', pacingValue: 2 });
    expect(JSON.parse(form.filters)).toEqual({ country: 'MX' });
    expect(toCampaignInput(form).data).toEqual({
      name: 'Promo',
      template: 'promo',
      audience: campaign.audience,
      variables: campaign.variables,
      scheduledAt: campaign.scheduledAt,
      pacingSeconds: 0.5,
      senderId: 3,
    });
    expect(fromCampaign({ ...campaign, audience: null, variables: {}, pacingSeconds: null } as unknown as Campaign)).toMatchObject({ audienceKind: 'consent', pacingMode: 'sender' });
  });

  it('server errors by field, and the step each field is on', () => {
    const error = { response: { data: { error: { status: 422, message: 'No active template "x"', details: { errors: [{ path: ['variables', 'placa'], message: 'Template uses {{placa}}' }, { path: 'audience.filters', message: 'bad' }] } } } } };
    expect(apiFieldErrors(error)).toEqual({ 'variables.placa': 'Template uses {{placa}}', 'audience.filters': 'bad' });
    expect(apiFieldErrors({ response: { data: { error: { message: 'Conflict' } } } })).toEqual({ '': 'Conflict' });
    expect(apiFieldErrors(new Error('network'))).toEqual({});
    expect(apiFieldErrors(null)).toEqual({});
    expect(apiFieldErrors({ response: { data: { error: { message: 'm', details: { errors: 'nope' } } } } })).toEqual({ '': 'm' });
    expect(['name', 'template', 'audience.phonePath', 'variables.x', 'scheduledAt', 'pacingSeconds', 'state', ''].map(stepOfField)).toEqual([
      'basics',
      'basics',
      'audience',
      'variables',
      'schedule',
      'schedule',
      'review',
      'review',
    ]);
  });

  it('phones from a CSV: the phone column, the rows that do not read', () => {
    const csv = '\uFEFFnombre;teléfono\r\nAna;+52 55 1234 5678\r\nLuis;\r\nEva;hola\r\n"Ruiz; Pepe";+52 55 1234 5678\r\nMia;(55) 8765-4321\r\n\r\n';
    expect(phonesFromCsv(csv)).toEqual({
      phones: ['+525512345678', '5587654321'],
      errors: [
        { row: 3, value: '', reason: 'empty' },
        { row: 4, value: 'hola', reason: 'invalid' },
        { row: 5, value: '+52 55 1234 5678', reason: 'duplicate' },
      ],
      rows: 5,
    });
    expect(phonesFromCsv('5512345678\n5587654321\n')).toEqual({ phones: ['5512345678', '5587654321'], errors: [], rows: 2 });
    expect(phonesFromCsv('')).toEqual({ phones: [], errors: [], rows: 0 });
    expect(phonesFromCsv('id,name\n1,x').errors).toEqual([{ row: 2, value: '1', reason: 'invalid' }]);
  });
});
