import { missingVariables, previewTemplate } from '../inbox/format';
import type { Message } from '../inbox/types';

/**
 * The WhatsApp side panel of the Content Manager's edit view: what
 * `GET /whatsapp/automations/record/:uid/:documentId` answers, and the panel's decisions, pure so
 * they are tested without rendering.
 */

export type RunState = 'pending' | 'processing' | 'queued' | 'sent' | 'skipped' | 'failed';

/** A rule for the record's type, with the phone and the template values resolved from the record. */
export interface PanelRule {
  id: number;
  name: string;
  enabled: boolean;
  contentType: string;
  trigger: 'field-change' | 'created' | 'date' | 'manual';
  template: string;
  variables: Record<string, unknown>;
  attachment: 'none' | 'pdf';
  to: string | null;
  values: Record<string, unknown>;
}

/** One automation run for the record (sent by a rule or by hand). */
export interface PanelRun {
  id: number;
  automationId: number;
  trigger: string;
  change: string | null;
  state: RunState;
  reason: string | null;
  messageId: number | null;
  dueAt: string | null;
  writtenBackAt: string | null;
  createdAt: string | null;
}

export interface RecordView {
  rules: PanelRule[];
  messages: Message[];
  runs: PanelRun[];
}

/** Only the app's own business types (`api::…`) can have rules; a record not saved yet has nothing. */
export const isPanelCandidate = (model: string | null | undefined, documentId: string | null | undefined) =>
  typeof model === 'string' && model.startsWith('api::') && typeof documentId === 'string' && documentId !== '';

/** Shown once loaded, and only for records with a rule or a message (unrelated types show nothing). */
export const showPanel = (model: string | null | undefined, documentId: string | null | undefined, view: RecordView | null) =>
  isPanelCandidate(model, documentId) && view !== null && (view.rules.length > 0 || view.messages.length > 0);

/** The rules a person may send by hand from the record: enabled ones, and the "manual" ones even when off. */
export const sendableRules = (rules: PanelRule[]) => rules.filter((rule) => rule.enabled || rule.trigger === 'manual');

/** A value resolved from the record, as the text field shows it. */
export const valueText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
};

/** The template variables of a rule, in the rule's order, with the values the record gives them. */
export const initialValues = (rule: Pick<PanelRule, 'variables' | 'values'>): Record<string, string> => {
  const names = [...Object.keys(rule.variables ?? {}), ...Object.keys(rule.values ?? {})];
  return Object.fromEntries([...new Set(names)].map((name) => [name, valueText(rule.values?.[name])]));
};

/**
 * The `variables` overrides to send: only the values the person changed. Unchanged ones are left to
 * the server, which resolves them from the record with their type (a total stays a number for the
 * `moneda` helper). The endpoint merges overrides by the rule's flat variable names.
 */
export const overridesFor = (initial: Record<string, string>, edited: Record<string, string>): Record<string, string> | undefined => {
  const changed = Object.entries(edited).filter(([name, value]) => value !== (initial[name] ?? ''));
  return changed.length ? Object.fromEntries(changed) : undefined;
};

/** The variables still empty (sending would put a blank in the message). */
export const emptyVariables = (values: Record<string, string>) => missingVariables({ variables: Object.keys(values) }, values);

/**
 * A rough preview of the message: `{{name}}` and `{{helper name}}` replaced by the values (the
 * helpers' formatting, e.g. money or dates, is applied only when really sent), others left as written.
 */
export const previewMessage = (body: string, values: Record<string, string>) =>
  previewTemplate(
    body.replace(/\{\{\s*[A-Za-z_]\w*\s+([\w.]+)\s*\}\}/g, (whole, path: string) => (values[path]?.trim() ? values[path] : whole)),
    values
  );

export type BadgeVariant = 'success' | 'danger' | 'neutral' | 'secondary';

/** The run's state as a badge colour: sent green, failed red, skipped grey, still on its way blue. */
export const runBadgeVariant = (state: string): BadgeVariant => {
  switch (state) {
    case 'sent':
      return 'success';
    case 'failed':
      return 'danger';
    case 'skipped':
      return 'neutral';
    default:
      return 'secondary';
  }
};

/** Whether the run's reason is worth showing (why it failed or was skipped). */
export const showRunReason = (run: Pick<PanelRun, 'state' | 'reason'>) => (run.state === 'failed' || run.state === 'skipped') && Boolean(run.reason?.trim());

/** The rule's name for a run, else `#id` (a deleted rule). */
export const ruleName = (rules: Pick<PanelRule, 'id' | 'name'>[], automationId: number) =>
  rules.find((rule) => rule.id === automationId)?.name ?? `#${automationId}`;

/** Reads the endpoint's answer defensively: anything missing is an empty list. */
export const toRecordView = (raw: unknown): RecordView => {
  const data = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof RecordView, unknown>>;
  const list = <T>(value: unknown) => (Array.isArray(value) ? (value as T[]) : []);
  return { rules: list<PanelRule>(data.rules), messages: list<Message>(data.messages), runs: list<PanelRun>(data.runs) };
};

/** An HTTP error's status (the fetch client's errors carry `response.status` or `status`). */
export const errorStatus = (error: unknown): number | null => {
  const e = error as { status?: unknown; response?: { status?: unknown } } | null;
  const status = e?.response?.status ?? e?.status;
  return typeof status === 'number' ? status : null;
};

/** What a failed send answered (422: the failed run and its reason), if anything. */
export const failedRunReason = (error: unknown): string | null => {
  const data = (error as { response?: { data?: { data?: { run?: { reason?: unknown } }; error?: { message?: unknown } } } } | null)?.response?.data;
  const reason = data?.data?.run?.reason ?? data?.error?.message;
  return typeof reason === 'string' && reason.trim() ? reason : null;
};
