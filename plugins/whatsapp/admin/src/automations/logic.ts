import type {
  Automation,
  AutomationCategory,
  AutomationConditionOp,
  AutomationContentType,
  AutomationField,
  AutomationInput,
  AutomationRunState,
  AutomationTrigger,
  AutomationVariableSource,
} from '../../../shared/automations';
import type { ApiErrorBody } from '../templates/logic';

/**
 * The automations pages' pure logic: the editor's form and the request it sends, which fields
 * each picker offers, the server's field errors by field, the runs query, and the runs' reasons
 * (written by the server in English) read into kinds the pages say in the admin's language.
 */

export const TRIGGERS: AutomationTrigger[] = ['field-change', 'created', 'date', 'manual'];
export const OPS: AutomationConditionOp[] = ['eq', 'ne', 'in', 'notIn', 'empty', 'notEmpty'];
export const CATEGORIES: AutomationCategory[] = ['utility', 'marketing', 'authentication'];
export const RUN_STATES: AutomationRunState[] = ['pending', 'processing', 'queued', 'sent', 'skipped', 'failed'];
/** The list asks for as many rules as the API answers at once (a business has a handful). */
export const PAGE_SIZE = 100;
export const RUNS_PAGE_SIZE = 10;

/** `empty` / `notEmpty` compare with nothing; `in` / `notIn` with a list. */
export const opTakesValue = (op: AutomationConditionOp) => op !== 'empty' && op !== 'notEmpty';
export const opTakesList = (op: AutomationConditionOp) => op === 'in' || op === 'notIn';

export interface ConditionRow {
  field: string;
  op: AutomationConditionOp;
  /** The value as typed; a list is written separated by commas. */
  value: string;
}

export type VariableRow = { source: 'field'; path: string } | { source: 'fixed'; value: string };

/** A date rule fires `days` before or after the date, or on the day itself. */
export type DateDirection = 'before' | 'on' | 'after';

export interface AutomationForm {
  name: string;
  enabled: boolean;
  contentType: string;
  trigger: AutomationTrigger;
  field: string;
  fromValue: string;
  toValue: string;
  days: string;
  direction: DateDirection;
  atTime: string;
  delayMinutes: string;
  conditions: ConditionRow[];
  recipient: string;
  template: string;
  variables: Record<string, VariableRow>;
  attachment: 'none' | 'pdf';
  category: AutomationCategory;
  writeBack: string;
}

export const EMPTY_FORM: AutomationForm = {
  name: '',
  enabled: true,
  contentType: '',
  trigger: 'field-change',
  field: '',
  fromValue: '',
  toValue: '',
  days: '1',
  direction: 'before',
  atTime: '09:00',
  delayMinutes: '0',
  conditions: [],
  recipient: '',
  template: '',
  variables: {},
  attachment: 'none',
  category: 'utility',
  writeBack: '',
};

const valueAsText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(valueAsText).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** A stored rule as the editor's form. */
export const formOf = (a: Automation): AutomationForm => {
  const offset = a.offsetDays ?? 0;
  return {
    name: a.name,
    enabled: a.enabled,
    contentType: a.contentType,
    trigger: a.trigger,
    field: a.field ?? '',
    fromValue: a.fromValue ?? '',
    toValue: a.toValue ?? '',
    days: String(Math.abs(offset)),
    direction: offset < 0 ? 'before' : offset > 0 ? 'after' : 'on',
    atTime: a.atTime ?? '09:00',
    delayMinutes: String(a.delayMinutes ?? 0),
    conditions: (a.conditions ?? []).map((c) => ({ field: c.field, op: c.op, value: valueAsText(c.value) })),
    recipient: a.recipient,
    template: a.template,
    variables: Object.fromEntries(
      Object.entries(a.variables ?? {}).map(([name, source]): [string, VariableRow] =>
        typeof source === 'string' ? [name, { source: 'field', path: source }] : [name, { source: 'fixed', value: valueAsText(source.value) }]
      )
    ),
    attachment: a.attachment,
    category: a.category,
    writeBack: a.writeBack ?? '',
  };
};

/** A whole number as typed, else the text itself: the server names the field and the rule. */
const wholeOrText = (text: string): number | string => (/^\s*\d+\s*$/.test(text) ? Number(text) : text);

const conditionInput = (row: ConditionRow) => {
  if (!opTakesValue(row.op)) return { field: row.field.trim(), op: row.op };
  if (opTakesList(row.op)) {
    return {
      field: row.field.trim(),
      op: row.op,
      value: row.value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    };
  }
  return { field: row.field.trim(), op: row.op, value: row.value.trim() };
};

/**
 * The form as POST / PUT /whatsapp/automations take it: only what the trigger reads is sent
 * (the rest as null), a date rule's days signed by their direction.
 */
export const toInput = (form: AutomationForm): AutomationInput => {
  const trigger = form.trigger;
  const days = wholeOrText(form.days);
  const offsetDays = form.direction === 'on' ? 0 : typeof days === 'number' ? (form.direction === 'before' ? -days : days) : days;
  const variables: Record<string, AutomationVariableSource> = Object.fromEntries(
    Object.entries(form.variables).map(([name, row]) => [name, row.source === 'field' ? row.path : { value: row.value }])
  );
  return {
    name: form.name.trim(),
    enabled: form.enabled,
    contentType: form.contentType,
    trigger,
    field: trigger === 'field-change' || trigger === 'date' ? form.field || null : null,
    fromValue: trigger === 'field-change' ? form.fromValue.trim() || null : null,
    toValue: trigger === 'field-change' ? form.toValue.trim() || null : null,
    // The server takes text here and refuses it by name; the type says number.
    offsetDays: (trigger === 'date' ? offsetDays : 0) as number,
    atTime: trigger === 'date' ? form.atTime.trim() || null : null,
    delayMinutes: (trigger === 'field-change' || trigger === 'created' ? wholeOrText(form.delayMinutes || '0') : 0) as number,
    conditions: form.conditions.map(conditionInput),
    recipient: form.recipient,
    template: form.template,
    variables,
    attachment: form.attachment,
    category: form.category,
    writeBack: form.writeBack || null,
  };
};

// ---------------------------------------------------------------------------------------------
// The fields each picker offers.

/** Types a field-change trigger can watch (services/automations.ts WATCHABLE). */
const WATCHABLE = new Set(['enumeration', 'string', 'boolean', 'integer', 'biginteger', 'decimal', 'float', 'date', 'datetime', 'email', 'uid']);
const DATES = new Set(['date', 'datetime']);
const PHONE_TYPES = new Set(['string', 'text', 'email']);
const PHONE_NAME = /phone|tel[eé]fono|celular|m[oó]vil|mobile|whatsapp|cel\b/i;

const own = (fields: AutomationField[]) => fields.filter((f) => !f.name.includes('.'));

/** The fields a trigger can watch: the type's own values, dates only for a date rule. */
export const triggerFields = (fields: AutomationField[], trigger: AutomationTrigger) =>
  own(fields).filter((f) => (trigger === 'date' ? DATES.has(f.type) : WATCHABLE.has(f.type)));

/** Where a phone number can be: text fields, the ones named like a phone first. */
export const phoneFields = (fields: AutomationField[]) => {
  const texts = fields.filter((f) => PHONE_TYPES.has(f.type));
  return [...texts.filter((f) => PHONE_NAME.test(f.name)), ...texts.filter((f) => !PHONE_NAME.test(f.name))];
};

/** Where the time of the send can be written: the type's own dates. */
export const writeBackFields = (fields: AutomationField[]) => own(fields).filter((f) => DATES.has(f.type));

export const fieldNamed = (fields: AutomationField[], name: string) => fields.find((f) => f.name === name) ?? null;

/** The values a field can be compared with when it has a fixed list (an enumeration, a boolean). */
export const choicesOf = (field: AutomationField | null): string[] | null => {
  if (!field) return null;
  if (field.enum) return field.enum;
  if (field.type === 'boolean') return ['true', 'false'];
  return null;
};

/** `customer.phone` → `customer › phone`, as the pickers show a path. */
export const fieldLabel = (name: string) => name.split('.').join(' › ');

/**
 * A template variable's likely field: one whose name is the variable's (`orden` ← `orden`,
 * `placa` ← `vehicle.placa`), the type's own first. Empty when none is.
 */
export const guessPath = (variable: string, fields: AutomationField[]): string => {
  const key = variable.toLowerCase();
  const exact = fields.find((f) => f.name.toLowerCase() === key);
  if (exact) return exact.name;
  return fields.find((f) => f.name.split('.').pop()!.toLowerCase() === key)?.name ?? '';
};

/** The mapping for a template's variables: what was chosen is kept, a new variable gets a guess. */
export const syncVariables = (current: Record<string, VariableRow>, names: string[], fields: AutomationField[]): Record<string, VariableRow> =>
  Object.fromEntries(names.map((name) => [name, current[name] ?? { source: 'field', path: guessPath(name, fields) }]));

/**
 * Another content type: what named the old type's fields is cleared (a guess for the number and
 * the variables from the new one), the rest of the rule stays.
 */
export const withContentType = (form: AutomationForm, type: AutomationContentType | null): AutomationForm => {
  const fields = type?.fields ?? [];
  const guessed = Object.fromEntries(
    Object.keys(form.variables).map((name): [string, VariableRow] => {
      const row = form.variables[name];
      return [name, row.source === 'fixed' ? row : { source: 'field', path: guessPath(name, fields) }];
    })
  );
  return {
    ...form,
    contentType: type?.uid ?? '',
    field: '',
    fromValue: '',
    toValue: '',
    conditions: [],
    recipient: phoneFields(fields).find((f) => PHONE_NAME.test(f.name))?.name ?? '',
    variables: guessed,
    attachment: type?.pdf ? form.attachment : 'none',
    writeBack: '',
  };
};

/** The content types for the picker; a rule's type that is gone is still listed, by its uid. */
export const typeOptions = (types: AutomationContentType[], current: string) =>
  current && !types.some((t) => t.uid === current) ? [...types.map((t) => ({ uid: t.uid, label: t.displayName })), { uid: current, label: current }] : types.map((t) => ({ uid: t.uid, label: t.displayName }));

export const displayNameOf = (types: AutomationContentType[], uid: string) => types.find((t) => t.uid === uid)?.displayName ?? uid;

// ---------------------------------------------------------------------------------------------
// The server's errors.

/**
 * The field errors by their full path (`toValue`, `variables.nombre`, `conditions.0.field`); a
 * preview names them under `automation.`, which is dropped; the rest goes under `_`.
 */
export const fieldErrors = (body: ApiErrorBody | null): Record<string, string> => {
  const out: Record<string, string> = {};
  const errors = body?.details?.errors ?? [];
  for (const e of errors) {
    const path = (e.path ?? []).map(String);
    const key = path[0] === 'automation' ? path.slice(1).join('.') : path.join('.');
    out[key || '_'] ??= e.message;
  }
  if (!errors.length && body?.message) out._ = body.message;
  return out;
};

/** The first error of the form's parts: a condition row's (`conditions.2…`) or a variable's. */
export const errorUnder = (errors: Record<string, string>, prefix: string): string | undefined =>
  errors[prefix] ?? Object.entries(errors).find(([key]) => key.startsWith(`${prefix}.`))?.[1];

/** A preview problem's place in the form: the phone check names `to`, which is the recipient. */
export const problemField = (path: string) => (path === 'to' ? 'recipient' : path);

// ---------------------------------------------------------------------------------------------
// What the list and the runs show.

export type TriggerSummary =
  | { kind: 'field-change'; field: string; from: string | null; to: string | null }
  | { kind: 'created' }
  | { kind: 'date'; field: string; days: number; direction: DateDirection; at: string }
  | { kind: 'manual' };

export const triggerSummary = (a: Pick<Automation, 'trigger' | 'field' | 'fromValue' | 'toValue' | 'offsetDays' | 'atTime'>): TriggerSummary => {
  switch (a.trigger) {
    case 'created':
      return { kind: 'created' };
    case 'manual':
      return { kind: 'manual' };
    case 'date': {
      const offset = a.offsetDays ?? 0;
      return { kind: 'date', field: a.field ?? '', days: Math.abs(offset), direction: offset < 0 ? 'before' : offset > 0 ? 'after' : 'on', at: a.atTime ?? '09:00' };
    }
    default:
      return { kind: 'field-change', field: a.field ?? '', from: a.fromValue ?? null, to: a.toValue ?? null };
  }
};

export type BadgeVariant = 'success' | 'danger' | 'neutral' | 'secondary';

/** A run's state as a badge: sent green, failed red, skipped grey, on its way blue. */
export const runBadgeVariant = (state: AutomationRunState): BadgeVariant =>
  state === 'sent' ? 'success' : state === 'failed' ? 'danger' : state === 'skipped' ? 'neutral' : 'secondary';

/** The preview's verdict as a badge. */
export const outcomeBadgeVariant = (outcome: 'send' | 'skipped' | 'failed'): BadgeVariant => (outcome === 'send' ? 'success' : outcome === 'failed' ? 'danger' : 'neutral');

/** GET /whatsapp/automations/runs: one rule's (or every rule's) runs, newest first. */
export const runsQuery = (automationId: number | null, page: number, pageSize = RUNS_PAGE_SIZE) => ({
  ...(automationId ? { filters: { automation: String(automationId) } } : {}),
  pagination: { page: Math.max(1, Math.floor(page) || 1), pageSize },
});

/** Why a run ended as it did, read from the server's words into something the page says in the admin's language. */
export type RunReason =
  | { kind: 'condition'; field: string; op: AutomationConditionOp; expected: string; actual: string }
  | { kind: 'no-number'; path: string }
  | { kind: 'disabled' }
  | { kind: 'deleted' }
  | { kind: 'record-gone' }
  | { kind: 'template'; name: string }
  | { kind: 'consent'; detail: string }
  | { kind: 'phone'; detail: string }
  | { kind: 'message'; status: string; detail: string }
  | { kind: 'write-back'; field: string; detail: string }
  | { kind: 'other'; text: string };

const parsed = (json: string | undefined): string => {
  if (json === undefined) return '';
  try {
    return displayValue(JSON.parse(json));
  } catch {
    return json;
  }
};

/** A value read from a record, as the page shows it: lists joined, nothing as an empty text. */
export const displayValue = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(displayValue).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

const CONDITION = /^condition not met: (\S+) (eq|ne|in|notIn|empty|notEmpty)(?: (.*))? \(is (.*)\)$/s;

/** The reasons services/automation-runs.ts writes, each recognised by its fixed words. */
export const runReason = (reason: string | null | undefined): RunReason | null => {
  const text = (reason ?? '').trim();
  if (!text) return null;
  let m = CONDITION.exec(text);
  if (m) return { kind: 'condition', field: m[1], op: m[2] as AutomationConditionOp, expected: parsed(m[3]), actual: parsed(m[4]) };
  if ((m = /^(.+) is empty: there is no number to send to$/.exec(text))) return { kind: 'no-number', path: m[1] };
  if (text === 'The automation is disabled') return { kind: 'disabled' };
  if (text === 'The automation was deleted') return { kind: 'deleted' };
  if (/^The \S+ record \S+ no longer exists$/.test(text)) return { kind: 'record-gone' };
  if ((m = /^template: No active template "(.*)"$/.exec(text))) return { kind: 'template', name: m[1] };
  if ((m = /^to: (.*consent.*)$/is.exec(text))) return { kind: 'consent', detail: m[1] };
  if ((m = /^to: (.*)$/s.exec(text))) return { kind: 'phone', detail: m[1] };
  if ((m = /^The message (\w+): (.*)$/s.exec(text))) return { kind: 'message', status: m[1], detail: m[2] };
  if ((m = /^sent; (\S+) not written back: (.*)$/s.exec(text))) return { kind: 'write-back', field: m[1], detail: m[2] };
  return { kind: 'other', text };
};

/** A preview's problem in the words a run would have (the job writes `path: message`, and an empty number as it is). */
export const problemReason = (problem: { path: string; rule: string; message: string }) =>
  problem.path === 'recipient' && problem.rule === 'empty' ? problem.message : `${problem.path}: ${problem.message}`;

// ---------------------------------------------------------------------------------------------
// "Test on a record": the Content Manager's list of the type's records.

/** GET /content-manager/collection-types/:uid: the latest records first, searched by `_q`. */
export const recordsQuery = (search: string, pageSize = 10) => ({
  page: 1,
  pageSize,
  sort: 'updatedAt:DESC',
  ...(search.trim() ? { _q: search.trim() } : {}),
});

/** The record's title: its main field, else its documentId. */
export const recordTitle = (record: Record<string, unknown>, mainField: string): string => {
  const value = record[mainField];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : String(record.documentId ?? '');
};

/** The record's page in the Content Manager (the admin's router path). */
export const recordPath = (uid: string, documentId: string, kind: 'collectionType' | 'singleType' = 'collectionType') =>
  kind === 'singleType' ? `/content-manager/single-types/${uid}` : `/content-manager/collection-types/${uid}/${documentId}`;
