import {
  emptyVariables,
  errorStatus,
  failedRunReason,
  initialValues,
  isPanelCandidate,
  overridesFor,
  previewMessage,
  ruleName,
  runBadgeVariant,
  sendableRules,
  showPanel,
  showRunReason,
  toRecordView,
  valueText,
  type PanelRule,
  type RecordView,
} from './panel-logic';

const rule = (over: Partial<PanelRule>): PanelRule => ({
  id: 1,
  name: 'Vehículo listo',
  enabled: true,
  contentType: 'api::work-order.work-order',
  trigger: 'field-change',
  template: 'vehiculo_listo',
  variables: { nombre: 'customer.name', total: 'total' },
  attachment: 'none',
  to: '+5215512345678',
  values: { nombre: 'Ana', total: 1250.5 },
  ...over,
});

const empty: RecordView = { rules: [], messages: [], runs: [] };

describe('record panel logic', () => {
  it('is only for saved records of the app’s own types', () => {
    expect(isPanelCandidate('api::work-order.work-order', 'abc')).toBe(true);
    expect(isPanelCandidate('api::work-order.work-order', undefined)).toBe(false);
    expect(isPanelCandidate('api::work-order.work-order', '')).toBe(false);
    expect(isPanelCandidate('plugin::users-permissions.user', 'abc')).toBe(false);
    expect(isPanelCandidate('plugin::whatsapp.message', 'abc')).toBe(false);
    expect(isPanelCandidate(undefined, 'abc')).toBe(false);
  });

  it('shows the panel once loaded, when the record has a rule or a message', () => {
    const uid = 'api::work-order.work-order';
    expect(showPanel(uid, 'abc', null)).toBe(false);
    expect(showPanel(uid, 'abc', empty)).toBe(false);
    expect(showPanel(uid, 'abc', { ...empty, rules: [rule({})] })).toBe(true);
    expect(showPanel(uid, 'abc', { ...empty, messages: [{ id: 1 } as never] })).toBe(true);
    expect(showPanel(uid, undefined, { ...empty, rules: [rule({})] })).toBe(false);
    expect(showPanel('admin::user', 'abc', { ...empty, rules: [rule({})] })).toBe(false);
  });

  it('offers enabled rules and manual ones (even when off) to send by hand', () => {
    const rules = [
      rule({ id: 1, enabled: true }),
      rule({ id: 2, enabled: false }),
      rule({ id: 3, enabled: false, trigger: 'manual' }),
      rule({ id: 4, enabled: true, trigger: 'manual' }),
    ];
    expect(sendableRules(rules).map((r) => r.id)).toEqual([1, 3, 4]);
    expect(sendableRules([])).toEqual([]);
  });

  it('prefills one text per variable from the record’s values', () => {
    expect(valueText(null)).toBe('');
    expect(valueText(undefined)).toBe('');
    expect(valueText(0)).toBe('0');
    expect(valueText(false)).toBe('false');
    expect(valueText({ a: 1 })).toBe('{"a":1}');
    expect(initialValues(rule({ variables: { nombre: 'customer.name', total: 'total', placa: 'vehicle.plate' }, values: { nombre: 'Ana', total: 1250.5, placa: null } }))).toEqual({
      nombre: 'Ana',
      total: '1250.5',
      placa: '',
    });
    expect(Object.keys(initialValues(rule({ variables: { b: 'x', a: 'y' }, values: { a: '1', b: '2' } })))).toEqual(['b', 'a']);
  });

  it('sends only the values the person changed, as flat overrides', () => {
    const initial = { nombre: 'Ana', total: '1250.5' };
    expect(overridesFor(initial, { ...initial })).toBeUndefined();
    expect(overridesFor(initial, { nombre: 'Ana María', total: '1250.5' })).toEqual({ nombre: 'Ana María' });
    expect(overridesFor({ nombre: '' }, { nombre: 'Luis' })).toEqual({ nombre: 'Luis' });
    expect(overridesFor(initial, { nombre: 'Ana', total: '' })).toEqual({ total: '' });
  });

  it('lists empty variables', () => {
    expect(emptyVariables({ a: 'x', b: ' ', c: '' })).toEqual(['b', 'c']);
    expect(emptyVariables({})).toEqual([]);
  });

  it('previews plain and helper placeholders with the values', () => {
    const body = 'Hola {{nombre}}, la cotización {{ numero }} por {{moneda total}}; {{fecha cuando}} {{otra}}';
    expect(previewMessage(body, { nombre: 'Ana', numero: 'C-7', total: '1250.5', cuando: '' })).toBe(
      'Hola Ana, la cotización C-7 por 1250.5; {{fecha cuando}} {{otra}}'
    );
  });

  it('colours the run badge by state', () => {
    expect(runBadgeVariant('sent')).toBe('success');
    expect(runBadgeVariant('failed')).toBe('danger');
    expect(runBadgeVariant('skipped')).toBe('neutral');
    expect(runBadgeVariant('queued')).toBe('secondary');
    expect(runBadgeVariant('pending')).toBe('secondary');
    expect(runBadgeVariant('processing')).toBe('secondary');
  });

  it('shows the reason of failed and skipped runs only', () => {
    expect(showRunReason({ state: 'failed', reason: 'customer.phone is empty' })).toBe(true);
    expect(showRunReason({ state: 'skipped', reason: 'The automation is disabled' })).toBe(true);
    expect(showRunReason({ state: 'failed', reason: null })).toBe(false);
    expect(showRunReason({ state: 'sent', reason: 'x' })).toBe(false);
  });

  it('names the run’s rule, or its id when deleted', () => {
    expect(ruleName([rule({ id: 3, name: 'Recordatorio' })], 3)).toBe('Recordatorio');
    expect(ruleName([], 9)).toBe('#9');
  });

  it('reads the answer defensively', () => {
    expect(toRecordView(undefined)).toEqual(empty);
    expect(toRecordView({ rules: [rule({})], messages: 'x' })).toEqual({ rules: [rule({})], messages: [], runs: [] });
  });

  it('reads the status and the reason of an error', () => {
    expect(errorStatus({ status: 403 })).toBe(403);
    expect(errorStatus({ response: { status: 404 } })).toBe(404);
    expect(errorStatus(new Error('x'))).toBeNull();
    expect(failedRunReason({ response: { data: { data: { run: { reason: 'no phone' } } } } })).toBe('no phone');
    expect(failedRunReason({ response: { data: { error: { message: 'Forbidden' } } } })).toBe('Forbidden');
    expect(failedRunReason(null)).toBeNull();
  });
});
