import type { ApprovalProvider, Template, TemplateApproval, TemplateCategory, TemplateSyncAnswer } from '../../../shared/contracts';

/**
 * The template editor's pure logic: the form and the request it sends, the sample values the
 * live preview renders with, and the server's field errors keyed by field.
 */

export interface TemplateForm {
  name: string;
  category: TemplateCategory;
  language: string;
  body: string;
  mediaHeader: Template['mediaHeader'];
  metaName: string;
  metaLanguage: string;
  /** Meta's parameters in the approved template's order, one variable name a line. */
  metaParameters: string;
  metaParameterFormat: 'positional' | 'named';
  twilioContentSid: string;
  /** Twilio's variables, `1=nombre` a line. */
  twilioVariables: string;
  fallbackChannel: Template['fallbackChannel'];
  createsFollowUp: boolean;
  active: boolean;
}

export const EMPTY_FORM: TemplateForm = {
  name: '',
  category: 'utility',
  language: 'es_MX',
  body: '',
  mediaHeader: 'none',
  metaName: '',
  metaLanguage: '',
  metaParameters: '',
  metaParameterFormat: 'positional',
  twilioContentSid: '',
  twilioVariables: '',
  fallbackChannel: 'none',
  createsFollowUp: false,
  active: true,
};

const lines = (text: string) =>
  text
    .split(/\r?\n|,/)
    .map((line) => line.trim())
    .filter(Boolean);

/** A stored template as the editor's form. */
export const formOf = (t: Template): TemplateForm => ({
  name: t.name,
  category: t.category,
  language: t.language,
  body: t.body,
  mediaHeader: t.mediaHeader,
  metaName: t.meta?.name ?? '',
  metaLanguage: t.meta && t.meta.language !== t.language ? t.meta.language : '',
  metaParameters: (t.meta?.parameters ?? []).join('\n'),
  metaParameterFormat: t.meta?.parameterFormat ?? 'positional',
  twilioContentSid: t.twilio?.contentSid ?? '',
  twilioVariables: Object.entries(t.twilio?.variables ?? {})
    .map(([key, name]) => `${key}=${name}`)
    .join('\n'),
  fallbackChannel: t.fallbackChannel,
  createsFollowUp: t.createsFollowUp,
  active: t.active,
});

/** `1=nombre` lines → `{ "1": "nombre" }` (a line without `=` is numbered by its position). */
export const parseTwilioVariables = (text: string): Record<string, string> | null => {
  const entries = lines(text).map((line, i) => {
    const at = line.indexOf('=');
    return at === -1 ? [String(i + 1), line] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
  });
  return entries.length ? Object.fromEntries(entries) : null;
};

/** The form as POST / PUT /whatsapp/templates takes it: empty mapping fields sent as null. */
export const toInput = (form: TemplateForm) => {
  const parameters = lines(form.metaParameters);
  return {
    name: form.name.trim(),
    category: form.category,
    language: form.language.trim(),
    body: form.body,
    mediaHeader: form.mediaHeader,
    metaName: form.metaName.trim() || null,
    metaLanguage: form.metaLanguage.trim() || null,
    metaParameters: parameters.length ? parameters : null,
    metaParameterFormat: form.metaParameterFormat,
    twilioContentSid: form.twilioContentSid.trim() || null,
    twilioVariables: parseTwilioVariables(form.twilioVariables),
    fallbackChannel: form.fallbackChannel,
    createsFollowUp: form.createsFollowUp,
    active: form.active,
  };
};

/** Names JavaScript objects already have: never used as a path segment of the sample values. */
const UNSAFE = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * The sample values (one text per variable, `cliente.nombre` dotted) as the preview's
 * `variables` object: `{ cliente: { nombre: 'Ana' } }`. A name that is both a value and a
 * parent keeps the parent.
 */
export const toVariables = (samples: Record<string, string>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(samples)) {
    const parts = path.split('.');
    if (parts.some((p) => p === '' || UNSAFE.has(p))) continue;
    let node = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        if (!(part in node) || typeof node[part] !== 'object') node[part] = value;
        return;
      }
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return out;
};

/** A sample value for a variable nobody filled in yet: its name in brackets, easy to spot in the preview. */
export const placeholderFor = (variable: string) => `[${variable}]`;

/** The samples for the body's variables: the ones typed are kept, new ones get a placeholder. */
export const samplesFor = (variables: string[], samples: Record<string, string>): Record<string, string> =>
  Object.fromEntries(variables.map((v) => [v, samples[v] ?? placeholderFor(v)]));

/** One field error of the API (`error.details.errors[]`). */
export interface ApiFieldError {
  path: Array<string | number>;
  message: string;
  rule?: string;
}

/** The API's error body as the fetch client throws it: `error.response.data.error`. */
export interface ApiErrorBody {
  status?: number;
  name?: string;
  message?: string;
  details?: { errors?: ApiFieldError[]; variables?: string[] };
}

export const apiErrorOf = (error: unknown): ApiErrorBody | null => {
  const body = (error as { response?: { data?: { error?: ApiErrorBody } } } | null)?.response?.data?.error;
  return body && typeof body === 'object' ? body : null;
};

/** The field errors by field name (the first segment: `metaParameters.0` → `metaParameters`); the rest under `_`. */
export const fieldErrors = (body: ApiErrorBody | null): Record<string, string> => {
  const out: Record<string, string> = {};
  const errors = body?.details?.errors ?? [];
  for (const e of errors) {
    const key = e.path?.length ? String(e.path[0]) : '_';
    out[key] ??= e.message;
  }
  if (!errors.length && body?.message) out._ = body.message;
  return out;
};

/** A preview error's place: `variables.cliente.nombre` → the variable, `body` → the body. */
export const previewErrorPlace = (e: ApiFieldError): { variable: string } | { field: string } =>
  e.path[0] === 'variables' && e.path.length > 1 ? { variable: e.path.slice(1).join('.') } : { field: e.path.map(String).join('.') || 'body' };

/** Whether the template is mapped to an approved provider template (Meta name or Twilio Content SID). */
export const mappingOf = (t: Pick<Template, 'meta' | 'twilio'>) => ({
  meta: t.meta ? `${t.meta.name} (${t.meta.language})` : null,
  twilio: t.twilio?.contentSid ?? null,
});

export type BadgeVariant = 'success' | 'danger' | 'secondary' | 'neutral' | 'warning' | 'primary';

/** What a provider's status means for sending: approved sends; in review waits; paused warns; the rest cannot be sent. */
export const statusVariant = (status: string | null): BadgeVariant => {
  if (!status) return 'neutral';
  if (status === 'APPROVED') return 'success';
  if (status === 'PENDING' || status === 'IN_APPEAL' || status === 'RECEIVED') return 'secondary';
  if (status === 'PAUSED' || status === 'LIMIT_EXCEEDED') return 'warning';
  return 'danger';
};

/** Meta's quality score as a colour: GREEN, YELLOW, RED; UNKNOWN (not enough messages yet) is neutral. */
export const qualityVariant = (quality: string | null): BadgeVariant =>
  quality === 'GREEN' ? 'success' : quality === 'YELLOW' ? 'warning' : quality === 'RED' ? 'danger' : 'neutral';

/** One provider's approval as the list shows it: Meta first, then Twilio; providers that said nothing left out. */
export interface ApprovalRow {
  provider: ApprovalProvider;
  approval: TemplateApproval;
}

export const approvalRows = (t: Pick<Template, 'approvals'>): ApprovalRow[] =>
  (['meta', 'twilio'] as const).flatMap((provider) => {
    const approval = t.approvals?.[provider];
    return approval ? [{ provider, approval }] : [];
  });

/** The last time any provider's listing was read, over all templates (ISO), or null before the first sync. */
export const lastSyncedAt = (templates: Pick<Template, 'approvals'>[]): string | null =>
  templates
    .flatMap((t) => approvalRows(t).map((row) => row.approval.syncedAt))
    .filter((at): at is string => Boolean(at))
    .sort()
    .pop() ?? null;

/** A sync's answer in numbers for the notification: what changed, and which providers failed or were skipped (with why). */
export const syncSummary = (answer: TemplateSyncAnswer) => {
  const synced = answer.results.filter((r) => r.outcome === 'synced');
  return {
    providers: synced.map((r) => r.provider),
    created: synced.reduce((n, r) => n + r.created, 0),
    updated: synced.reduce((n, r) => n + r.updated + r.missing, 0),
    categoryChanges: synced.reduce((n, r) => n + r.categoryChanges, 0),
    campaignsPaused: synced.reduce((n, r) => n + r.campaignsPaused, 0),
    skipped: synced.flatMap((r) => r.skipped),
  };
};
