import type { Template } from '../../../shared/contracts';
import type { TemplateSyncResult } from '../../../shared/contracts';
import {
  EMPTY_FORM,
  approvalRows,
  fieldErrors,
  formOf,
  lastSyncedAt,
  mappingOf,
  parseTwilioVariables,
  previewErrorPlace,
  qualityVariant,
  samplesFor,
  statusVariant,
  syncSummary,
  toInput,
  toVariables,
  apiErrorOf,
} from './logic';

const stored: Template = {
  id: 1,
  documentId: 'abc',
  name: 'cita',
  category: 'utility',
  language: 'es_MX',
  body: 'Hola {{nombre}}',
  variables: ['nombre'],
  mediaHeader: 'none',
  meta: { name: 'cita_v1', language: 'es_MX', parameters: ['nombre'], parameterFormat: 'positional' },
  twilio: { contentSid: 'HX' + '0'.repeat(32), variables: { '1': 'nombre' } },
  fallbackChannel: 'sms',
  createsFollowUp: true,
  active: false,
  approvals: {},
  categoryAlert: null,
  createdAt: null,
  updatedAt: null,
};

describe('template form', () => {
  it('round-trips a stored template into the request the API takes', () => {
    expect(toInput(formOf(stored))).toEqual({
      name: 'cita',
      category: 'utility',
      language: 'es_MX',
      body: 'Hola {{nombre}}',
      mediaHeader: 'none',
      metaName: 'cita_v1',
      metaLanguage: null,
      metaParameters: ['nombre'],
      metaParameterFormat: 'positional',
      twilioContentSid: 'HX' + '0'.repeat(32),
      twilioVariables: { '1': 'nombre' },
      fallbackChannel: 'sms',
      createsFollowUp: true,
      active: false,
    });
  });

  it('sends empty mapping fields as null and keeps the body as typed', () => {
    const input = toInput({ ...EMPTY_FORM, name: '  aviso ', body: '  Hola ', metaParameters: ' \n ' });
    expect(input).toMatchObject({ name: 'aviso', body: '  Hola ', metaName: null, metaParameters: null, twilioContentSid: null, twilioVariables: null });
  });

  it('reads Twilio variables as key=name lines, numbering bare names by position', () => {
    expect(parseTwilioVariables('1=nombre\n2 = fecha')).toEqual({ '1': 'nombre', '2': 'fecha' });
    expect(parseTwilioVariables('nombre, fecha')).toEqual({ '1': 'nombre', '2': 'fecha' });
    expect(parseTwilioVariables('')).toBeNull();
  });

  it('shows the mapping in words', () => {
    expect(mappingOf(stored)).toEqual({ meta: 'cita_v1 (es_MX)', twilio: 'HX' + '0'.repeat(32) });
    expect(mappingOf({ meta: null, twilio: null })).toEqual({ meta: null, twilio: null });
  });
});

describe('preview samples', () => {
  it('nests dotted names and skips names that would reach the prototype', () => {
    expect(toVariables({ nombre: 'Ana', 'cliente.ciudad': 'León', 'cliente.pais': 'MX' })).toEqual({ nombre: 'Ana', cliente: { ciudad: 'León', pais: 'MX' } });
    expect(toVariables({ '__proto__.x': '1', 'a..b': '2', constructor: '3' })).toEqual({});
    expect(toVariables({ cliente: 'Ana', 'cliente.nombre': 'Ana' })).toEqual({ cliente: { nombre: 'Ana' } });
  });

  it('keeps the values typed and gives new variables a visible placeholder', () => {
    expect(samplesFor(['nombre', 'fecha'], { nombre: 'Ana', viejo: 'x' })).toEqual({ nombre: 'Ana', fecha: '[fecha]' });
  });
});

describe('API errors', () => {
  const thrown = (error: unknown) => ({ response: { data: { error } } });

  it('keys field errors by their first path segment, the first one winning', () => {
    const body = apiErrorOf(
      thrown({ status: 422, message: 'x', details: { errors: [{ path: ['metaParameters', '0'], message: 'unknown' }, { path: ['metaParameters'], message: 'count' }, { path: [], message: 'whole' }] } })
    );
    expect(fieldErrors(body)).toEqual({ metaParameters: 'unknown', _: 'whole' });
  });

  it('falls back to the message, and to nothing for what is not an API error', () => {
    expect(fieldErrors(apiErrorOf(thrown({ status: 409, message: 'taken' })))).toEqual({ _: 'taken' });
    expect(apiErrorOf(new Error('network'))).toBeNull();
    expect(apiErrorOf(null)).toBeNull();
    expect(fieldErrors(null)).toEqual({});
  });

  it('places a preview error on its variable or field', () => {
    expect(previewErrorPlace({ path: ['variables', 'cliente', 'nombre'], message: '' })).toEqual({ variable: 'cliente.nombre' });
    expect(previewErrorPlace({ path: ['body'], message: '' })).toEqual({ field: 'body' });
    expect(previewErrorPlace({ path: [], message: '' })).toEqual({ field: 'body' });
  });
});

describe('approvals in the templates list', () => {
  const approval = (status: string | null, syncedAt: string | null) => ({ id: '1', status, reason: null, quality: 'GREEN', category: 'UTILITY', syncedAt, updatedAt: '2025-01-01T00:00:00.000Z' });

  it('colours a status by what it means for sending, and Meta’s quality score', () => {
    expect(statusVariant('APPROVED')).toBe('success');
    expect(statusVariant('PENDING')).toBe('secondary');
    expect(statusVariant('PAUSED')).toBe('warning');
    expect(['REJECTED', 'DISABLED', 'NOT_FOUND', 'PENDING_DELETION'].map(statusVariant)).toEqual(['danger', 'danger', 'danger', 'danger']);
    expect(statusVariant(null)).toBe('neutral');
    expect([qualityVariant('GREEN'), qualityVariant('YELLOW'), qualityVariant('RED'), qualityVariant('UNKNOWN')]).toEqual(['success', 'warning', 'danger', 'neutral']);
  });

  it('lists Meta before Twilio, only providers that said something; the last sync over every template', () => {
    const meta = approval('APPROVED', '2025-01-02T10:00:00.000Z');
    const twilio = approval('REJECTED', '2025-01-03T10:00:00.000Z');
    expect(approvalRows({ approvals: { twilio, meta } })).toEqual([
      { provider: 'meta', approval: meta },
      { provider: 'twilio', approval: twilio },
    ]);
    expect(approvalRows({ approvals: {} })).toEqual([]);
    expect(lastSyncedAt([{ approvals: { meta } }, { approvals: { twilio } }, { approvals: { meta: approval('PAUSED', null) } }])).toBe('2025-01-03T10:00:00.000Z');
    expect(lastSyncedAt([{ approvals: {} }])).toBeNull();
  });

  it('sums a sync for the notification: synced providers only, changes and templates left out', () => {
    const result = (over: Partial<TemplateSyncResult>): TemplateSyncResult => ({
      provider: 'meta',
      outcome: 'synced',
      detail: null,
      listed: 3,
      created: 1,
      updated: 1,
      missing: 1,
      skipped: [],
      campaignsPaused: 0,
      categoryChanges: 0,
      ...over,
    });
    expect(
      syncSummary({
        at: '2025-01-01T00:00:00.000Z',
        results: [result({ campaignsPaused: 2, skipped: [{ name: 'x', language: 'es', reason: 'no body' }] }), result({ provider: 'twilio', outcome: 'skipped', created: 9, detail: 'not configured' })],
      })
    ).toEqual({ providers: ['meta'], created: 1, updated: 2, categoryChanges: 0, campaignsPaused: 2, skipped: [{ name: 'x', language: 'es', reason: 'no body' }] });
  });
});
