import { extractVariables } from '../lib/template';
import { approvalFrom, importBody, localCategory, notApprovedReason, sameLanguage, statusAfterEvent } from './template-approval';
import type { ProviderTemplate } from './types';

const remote = (over: Partial<ProviderTemplate> = {}): ProviderTemplate => ({
  id: '806312974732579',
  name: 'cita',
  language: 'es_MX',
  status: 'APPROVED',
  reason: null,
  quality: 'GREEN',
  category: 'UTILITY',
  body: 'Hola {{1}}, tu cita es el {{2}}.',
  parameterFormat: 'positional',
  header: 'none',
  ...over,
});

describe('template approval (the sync’s pure rules)', () => {
  it('imports a positional body: {{1}} becomes a variable of ours, parameters in Meta’s order, Twilio keys kept', () => {
    const imported = importBody('Tu cita es el {{2}}, {{ 1 }}. Gracias, {{1}}.', 'positional');
    expect(imported).toEqual({
      body: 'Tu cita es el {{variable_2}}, {{variable_1}}. Gracias, {{variable_1}}.',
      parameters: ['variable_1', 'variable_2'],
      twilioVariables: { '2': 'variable_2', '1': 'variable_1' },
    });
    // The template language reads it (a bare {{1}} would be a number, not a variable).
    expect(extractVariables(imported.body)).toEqual(['variable_2', 'variable_1']);
    expect(importBody('{{10}} y {{9}}', 'positional').parameters).toEqual(['variable_9', 'variable_10']);
  });

  it('imports a named body as it is, parameters by first appearance', () => {
    expect(importBody('Hola {{first_name}}, pedido {{order}} de {{first_name}}', 'named')).toEqual({
      body: 'Hola {{first_name}}, pedido {{order}} de {{first_name}}',
      parameters: ['first_name', 'order'],
      twilioVariables: { first_name: 'first_name', order: 'order' },
    });
  });

  it('compares languages and categories the providers’ ways', () => {
    expect(sameLanguage('es-MX', 'es_mx')).toBe(true);
    expect(sameLanguage('es_MX', 'es')).toBe(false);
    expect(localCategory('MARKETING')).toBe('marketing');
    expect(localCategory('TRANSACTIONAL')).toBeNull();
    expect(localCategory(null)).toBeNull();
  });

  it('turns a status webhook event into a status: REINSTATED is approved, FLAGGED and LOCKED change nothing', () => {
    expect(statusAfterEvent('PAUSED', 'APPROVED')).toBe('PAUSED');
    expect(statusAfterEvent('REINSTATED', 'DISABLED')).toBe('APPROVED');
    expect(statusAfterEvent('FLAGGED', 'APPROVED')).toBe('APPROVED');
    expect(statusAfterEvent('locked', 'APPROVED')).toBe('APPROVED');
    expect(statusAfterEvent('UNARCHIVED', 'ARCHIVED')).toBeNull();
  });

  it('refuses a template only when the sender’s provider reported it not approved, naming status and reason', () => {
    const approval = approvalFrom(remote({ status: 'REJECTED', reason: 'INVALID_FORMAT' }), new Date('2025-01-01T00:00:00Z'));
    expect(notApprovedReason('cita', { meta: approval }, 'meta')).toBe('Template "cita" is not approved by Meta: it is rejected (INVALID_FORMAT)');
    expect(notApprovedReason('cita', { meta: { ...approval, status: 'PENDING_DELETION', reason: null } }, 'meta')).toBe('Template "cita" is not approved by Meta: it is pending deletion');
    // Another provider, the sandbox, or nothing known: as before.
    expect(notApprovedReason('cita', { meta: approval }, 'twilio')).toBeNull();
    expect(notApprovedReason('cita', { meta: approval }, 'sandbox')).toBeNull();
    expect(notApprovedReason('cita', {}, 'meta')).toBeNull();
    expect(notApprovedReason('cita', { meta: { ...approval, status: 'APPROVED' } }, 'meta')).toBeNull();
  });

  it('keeps the time of the last change when a sync reads the same approval again', () => {
    const first = approvalFrom(remote(), new Date('2025-01-01T00:00:00Z'));
    const again = approvalFrom(remote(), new Date('2025-01-02T00:00:00Z'), first);
    expect(again).toMatchObject({ syncedAt: '2025-01-02T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z' });
    const changed = approvalFrom(remote({ quality: 'RED' }), new Date('2025-01-03T00:00:00Z'), again);
    expect(changed).toMatchObject({ quality: 'RED', updatedAt: '2025-01-03T00:00:00.000Z' });
  });
});
