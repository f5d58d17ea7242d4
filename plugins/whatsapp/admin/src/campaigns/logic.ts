import type { Campaign, CampaignAudience, CampaignInput, CampaignState, CampaignStats, CampaignVariableSource } from '../../../shared/campaigns';
import type { CampaignSender } from '../../../shared/contracts';
import { qualityVariant } from '../senders/quality';

/**
 * The campaigns screens' pure parts: how far a campaign is, what may be done with it in each
 * state, the wizard's form as the API's input (and back), pacing, a pasted or uploaded list of
 * phones with the rows that do not read, and the server's errors placed next to their fields.
 */

/** States whose numbers still move: the list and the detail page ask again every 2 s. */
export const isLive = (state: CampaignState) => state === 'launching' || state === 'running' || state === 'scheduled';

export type BadgeVariant = 'success' | 'danger' | 'secondary' | 'neutral' | 'warning' | 'primary';

export const stateBadgeVariant = (state: CampaignState): BadgeVariant =>
  ({ draft: 'neutral', launching: 'secondary', scheduled: 'primary', running: 'secondary', paused: 'warning', cancelled: 'danger', completed: 'success' } as const)[state];

type Counts = Pick<CampaignStats, 'messages' | 'sent' | 'failed' | 'cancelled'>;

/**
 * Percent done: messages with an outcome (sent, failed or cancelled) of the messages written;
 * 100 once completed. While launching, the queue is still being written: the messages written of
 * the audience read so far.
 */
export const progressPercent = (state: CampaignState, stats: Counts | null, campaign?: Pick<Campaign, 'queued' | 'audienceRead'>): number => {
  if (state === 'completed') return 100;
  if (state === 'launching' && campaign) {
    return campaign.audienceRead > 0 ? clampPercent((100 * campaign.queued) / campaign.audienceRead) : 0;
  }
  if (!stats || stats.messages <= 0) return 0;
  return clampPercent((100 * (stats.sent + stats.failed + stats.cancelled)) / stats.messages);
};
const clampPercent = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.min(100, Math.floor(n))) : 0);

export interface CampaignActions {
  edit: boolean;
  launch: boolean;
  pause: boolean;
  resume: boolean;
  cancel: boolean;
  retryFailed: boolean;
}

/**
 * What the server accepts in each state (services/campaigns.ts), offered only to whom may:
 * edit and estimate a draft with manageCampaigns; launch, pause, resume, cancel and retry with
 * launchCampaigns.
 */
export const allowedActions = (state: CampaignState, can: { manage: boolean; launch: boolean }, failed = 0): CampaignActions => ({
  edit: can.manage && state === 'draft',
  launch: can.launch && state === 'draft',
  pause: can.launch && (state === 'running' || state === 'scheduled' || state === 'launching'),
  resume: can.launch && state === 'paused',
  cancel: can.launch && state !== 'completed' && state !== 'cancelled' && state !== 'draft',
  retryFailed: can.launch && state !== 'draft' && state !== 'cancelled' && failed > 0,
});

/** Pacing as people say it: as fast as the sender allows, N messages a second, or one every N seconds. */
export type PacingMode = 'sender' | 'perSecond' | 'everySeconds';

/** The campaign's `pacingSeconds` (seconds between two messages; null = the sender's rate). */
export const toPacingSeconds = (mode: PacingMode, value: number): number | null => {
  if (mode === 'sender' || !Number.isFinite(value) || value <= 0) return null;
  const seconds = mode === 'perSecond' ? 1 / value : value;
  return Math.round(seconds * 10_000) / 10_000;
};

/** Back from `pacingSeconds`: under a second reads as messages a second, else one every N seconds. */
export const fromPacingSeconds = (seconds: number | null | undefined): { mode: PacingMode; value: number } => {
  if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds)) || Number(seconds) <= 0) return { mode: 'sender', value: 1 };
  const s = Number(seconds);
  return s < 1 ? { mode: 'perSecond', value: Math.round((1 / s) * 100) / 100 } : { mode: 'everySeconds', value: s };
};

/** A number of seconds as days, hours, minutes and seconds (the screen formats each in the locale). */
export const durationParts = (totalSeconds: number): Array<{ unit: 'day' | 'hour' | 'minute' | 'second'; value: number }> => {
  const s = Math.max(0, Math.ceil(Number.isFinite(totalSeconds) ? totalSeconds : 0));
  const parts = [
    { unit: 'day' as const, value: Math.floor(s / 86_400) },
    { unit: 'hour' as const, value: Math.floor((s % 86_400) / 3_600) },
    { unit: 'minute' as const, value: Math.floor((s % 3_600) / 60) },
    { unit: 'second' as const, value: s % 60 },
  ];
  const first = parts.findIndex((p) => p.value > 0);
  // The two largest units are enough ("2 h 5 min", "3 d 4 h").
  return first === -1 ? [{ unit: 'second', value: 0 }] : parts.slice(first, first + 2).filter((p) => p.value > 0);
};

/* ------------------------------------------------------------------ the wizard's form */

export type AudienceKind = CampaignAudience['kind'];
export type VariableKind = 'contact' | 'record' | 'value';
export interface VariableMapping {
  kind: VariableKind;
  /** The field after `contact.` / `record.`, or the fixed value. */
  text: string;
}

export interface CampaignForm {
  name: string;
  template: string;
  audienceKind: AudienceKind;
  /** Comma or newline separated. */
  tags: string;
  /** One number a line (pasted, or read from a CSV). */
  phones: string;
  contentType: string;
  /** Strapi filters as JSON text. */
  filters: string;
  phonePath: string;
  variables: Record<string, VariableMapping>;
  scheduleMode: 'now' | 'at';
  scheduledAt: string | null;
  pacingMode: PacingMode;
  pacingValue: number;
  /** The number it goes from; null: the server's default (the picker fills it in once the list is read). */
  senderId: number | null;
}

export const emptyForm = (): CampaignForm => ({
  name: '',
  template: '',
  audienceKind: 'consent',
  tags: '',
  phones: '',
  contentType: '',
  filters: '',
  phonePath: 'phone',
  variables: {},
  scheduleMode: 'now',
  scheduledAt: null,
  pacingMode: 'sender',
  pacingValue: 1,
  senderId: null,
});

export const splitList = (text: string): string[] => [...new Set(text.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean))];

export const toVariableSource = (mapping: VariableMapping): CampaignVariableSource =>
  mapping.kind === 'value' ? { value: mapping.text } : `${mapping.kind}.${mapping.text.trim().replace(/^(contact|record)\./, '')}`;

export const fromVariableSource = (source: CampaignVariableSource | undefined): VariableMapping => {
  if (source && typeof source === 'object') return { kind: 'value', text: String(source.value ?? '') };
  if (typeof source === 'string' && source.startsWith('record.')) return { kind: 'record', text: source.slice('record.'.length) };
  if (typeof source === 'string' && source.startsWith('contact.')) return { kind: 'contact', text: source.slice('contact.'.length) };
  return { kind: 'contact', text: typeof source === 'string' ? source : 'name' };
};

/** The variables of a template, each with its mapping (kept if already set, `contact.name`-like default otherwise). */
export const mappingsFor = (variables: string[], current: Record<string, VariableMapping>): Record<string, VariableMapping> =>
  Object.fromEntries(variables.map((name) => [name, current[name] ?? { kind: 'contact', text: name === 'nombre' || name === 'name' ? 'name' : '' }]));

export const fromCampaign = (campaign: Campaign): CampaignForm => {
  const form = emptyForm();
  const audience = campaign.audience;
  const pacing = fromPacingSeconds(campaign.pacingSeconds);
  return {
    ...form,
    name: campaign.name,
    template: campaign.template ?? '',
    audienceKind: audience?.kind ?? 'consent',
    tags: audience?.kind === 'tags' ? audience.tags.join(', ') : '',
    phones: audience?.kind === 'phones' ? audience.phones.join('\n') : '',
    contentType: audience?.kind === 'query' ? audience.contentType : '',
    filters: audience?.kind === 'query' && audience.filters && Object.keys(audience.filters).length ? JSON.stringify(audience.filters, null, 2) : '',
    phonePath: audience?.kind === 'query' ? audience.phonePath : form.phonePath,
    variables: Object.fromEntries(Object.entries(campaign.variables ?? {}).map(([name, source]) => [name, fromVariableSource(source)])),
    scheduleMode: campaign.scheduledAt ? 'at' : 'now',
    scheduledAt: campaign.scheduledAt,
    pacingMode: pacing.mode,
    pacingValue: pacing.value,
    senderId: campaign.senderId ?? null,
  };
};

/** A field's problem as the wizard shows it: its path (`audience.filters`) and a rule id the screen translates. */
export type FieldErrors = Record<string, string>;

/** Rules found before asking the server (the screen translates each). */
export type ClientRule = 'required' | 'json' | 'json-object' | 'date' | 'pacing';

/**
 * The form as the API's `data`, or the fields that cannot be sent as they are (each with a
 * rule: required, json, json-object, date, pacing). The server checks the rest (422 naming the field).
 */
export const toCampaignInput = (form: CampaignForm): { data: CampaignInput; errors: Record<string, ClientRule> } => {
  const errors: Record<string, ClientRule> = {};
  let audience: CampaignAudience;
  switch (form.audienceKind) {
    case 'tags': {
      const tags = splitList(form.tags);
      if (!tags.length) errors['audience.tags'] = 'required';
      audience = { kind: 'tags', tags };
      break;
    }
    case 'phones': {
      const phones = splitList(form.phones);
      if (!phones.length) errors['audience.phones'] = 'required';
      audience = { kind: 'phones', phones };
      break;
    }
    case 'query': {
      const filters = parseFilters(form.filters);
      if (!form.contentType.trim()) errors['audience.contentType'] = 'required';
      if (!form.phonePath.trim()) errors['audience.phonePath'] = 'required';
      if (filters.error) errors['audience.filters'] = filters.error;
      audience = { kind: 'query', contentType: form.contentType.trim(), phonePath: form.phonePath.trim(), ...(filters.value ? { filters: filters.value } : {}) };
      break;
    }
    default:
      audience = { kind: 'consent' };
  }
  if (!form.name.trim()) errors.name = 'required';
  for (const [name, mapping] of Object.entries(form.variables)) {
    if (mapping.kind !== 'value' && !mapping.text.trim()) errors[`variables.${name}`] = 'required';
  }
  let scheduledAt: string | null = null;
  if (form.scheduleMode === 'at') {
    const at = form.scheduledAt ? new Date(form.scheduledAt) : null;
    if (!at || Number.isNaN(at.getTime())) errors.scheduledAt = 'date';
    else scheduledAt = at.toISOString();
  }
  if (form.pacingMode !== 'sender' && !(form.pacingValue > 0)) errors.pacingSeconds = 'pacing';
  return {
    data: {
      name: form.name.trim(),
      template: form.template.trim() || null,
      audience,
      variables: Object.fromEntries(Object.entries(form.variables).map(([name, mapping]) => [name, toVariableSource(mapping)])),
      scheduledAt,
      pacingSeconds: toPacingSeconds(form.pacingMode, form.pacingValue),
      senderId: form.senderId,
    },
    errors,
  };
};

/** The filters textarea: empty = none; otherwise a JSON object. */
export const parseFilters = (text: string): { value?: Record<string, unknown>; error?: 'json' | 'json-object' } => {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'json-object' };
    return { value: value as Record<string, unknown> };
  } catch {
    return { error: 'json' };
  }
};

/** The wizard's steps, and the step each field lives on (a server error sends the user there). */
export const STEPS = ['basics', 'audience', 'variables', 'schedule', 'review'] as const;
export type Step = (typeof STEPS)[number];

export const stepOfField = (path: string): Step => {
  const head = path.split('.')[0];
  if (head === 'audience') return 'audience';
  if (head === 'variables') return 'variables';
  if (head === 'scheduledAt' || head === 'pacingSeconds' || head === 'senderId') return 'schedule';
  if (head === 'name' || head === 'template') return 'basics';
  return 'review';
};

/**
 * A 400 / 409 / 422 from the API (`error.details.errors[].path`, a list or a dotted string) as
 * messages by field path; what names no field goes under `''`.
 */
export const apiFieldErrors = (error: unknown): FieldErrors => {
  const body = (error as { response?: { data?: { error?: { message?: unknown; details?: { errors?: unknown } } } } })?.response?.data?.error;
  if (!body) return {};
  const out: FieldErrors = {};
  const list = Array.isArray(body.details?.errors) ? (body.details.errors as Array<{ path?: unknown; message?: unknown }>) : [];
  for (const item of list) {
    const path = Array.isArray(item?.path) ? item.path.map(String).join('.') : typeof item?.path === 'string' ? item.path : '';
    const message = typeof item?.message === 'string' ? item.message : typeof body.message === 'string' ? body.message : '';
    if (message && !(path in out)) out[path] = message;
  }
  if (!list.length && typeof body.message === 'string') out[''] = body.message;
  return out;
};

/* ------------------------------------------------------------------ the sending number */

/**
 * The sender the picker shows: the one chosen while it is still offered, else the one a campaign
 * without a choice goes from (the server's `defaultId`), else the first; null when none is offered.
 */
export const pickSender = (senders: CampaignSender[], chosen: number | null, defaultId: number | null): CampaignSender | null =>
  senders.find((s) => s.id === chosen) ?? senders.find((s) => s.id === defaultId) ?? senders[0] ?? null;

/**
 * A messaging limit tier as unique people per 24 hours, as the provider words it: Meta
 * `TIER_250`, `TIER_2K`, `TIER_UNLIMITED`; Twilio `10K Customers/24hr`. Infinity for unlimited,
 * null for a word that does not read as a number (shown as it is, never warned about).
 */
export const tierLimit = (tier: string | null | undefined): number | null => {
  const text = String(tier ?? '').trim();
  if (!text) return null;
  if (/unlimited/i.test(text)) return Infinity;
  const match = /(\d+(?:\.\d+)?)\s*([KM])?/i.exec(text);
  if (!match) return null;
  const scale = { K: 1_000, M: 1_000_000 }[(match[2] ?? '').toUpperCase() as 'K' | 'M'] ?? 1;
  return Math.round(Number(match[1]) * scale);
};

/** Meta's starting limit (250 people a day, until the business completes a scaling path): at or under it a tier is low. */
export const LOW_TIER = 250;

/**
 * What the wizard warns about for the chosen number: a RED / LOW or YELLOW / MEDIUM quality
 * rating (people block or report it: more of that and Meta lowers its limit or stops it), a low
 * messaging tier, or an audience larger than the tier lets the number reach in 24 hours.
 */
export type SenderWarning = 'quality-red' | 'quality-yellow' | 'tier-low' | 'tier-audience';

export const senderWarnings = (sender: Pick<CampaignSender, 'qualityRating' | 'messagingTier'> | null, recipients?: number): SenderWarning[] => {
  if (!sender) return [];
  const warnings: SenderWarning[] = [];
  const quality = qualityVariant(sender.qualityRating);
  if (quality === 'danger') warnings.push('quality-red');
  else if (quality === 'warning') warnings.push('quality-yellow');
  const limit = tierLimit(sender.messagingTier);
  if (limit !== null && Number.isFinite(limit)) {
    if (recipients !== undefined && recipients > limit) warnings.push('tier-audience');
    else if (limit <= LOW_TIER) warnings.push('tier-low');
  }
  return warnings;
};

/* ------------------------------------------------------------------ phones from a CSV */

export interface PhoneRowError {
  /** 1-based line of the file (the header is line 1). */
  row: number;
  value: string;
  reason: 'empty' | 'invalid' | 'duplicate';
}

const PHONE_HEADERS = /^(phone|tel[eé]fono|telefono|celular|m[oó]vil|movil|whatsapp|n[uú]mero|numero|number|mobile)$/i;

/** A CSV line's cells (quotes and doubled quotes; `,` or `;` as separator). */
export const csvCells = (line: string, separator: string): string[] => {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
};

/** A number as a person may write it: digits with spaces, dashes, dots, parentheses and one leading +; 7 to 15 digits. */
export const looksLikePhone = (text: string): boolean => {
  const cleaned = text.replace(/[\s\-.()]/g, '');
  return /^\+?\d{7,15}$/.test(cleaned);
};

/**
 * The phones of a CSV (the column named phone / teléfono / celular / whatsapp, else the first), or
 * of a pasted list (one a line), with the rows that do not read: empty, not a number, repeated.
 * The server checks each number again (invalid-phone, not a contact) in the estimate.
 */
export const phonesFromCsv = (text: string): { phones: string[]; errors: PhoneRowError[]; rows: number } => {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  if (!lines.length) return { phones: [], errors: [], rows: 0 };
  const separator = (lines[0].match(/;/g)?.length ?? 0) > (lines[0].match(/,/g)?.length ?? 0) ? ';' : ',';
  const header = csvCells(lines[0], separator);
  const named = header.findIndex((cell) => PHONE_HEADERS.test(cell));
  const hasHeader = named >= 0 || !looksLikePhone(header[0] ?? '');
  const column = named >= 0 ? named : 0;
  const phones: string[] = [];
  const errors: PhoneRowError[] = [];
  const seen = new Set<string>();
  let rows = 0;
  lines.forEach((line, index) => {
    if (hasHeader && index === 0) return;
    if (!line.trim()) return;
    rows += 1;
    const value = csvCells(line, separator)[column] ?? '';
    const row = index + 1;
    if (!value) errors.push({ row, value, reason: 'empty' });
    else if (!looksLikePhone(value)) errors.push({ row, value, reason: 'invalid' });
    else {
      const key = value.replace(/[\s\-.()]/g, '');
      if (seen.has(key)) errors.push({ row, value, reason: 'duplicate' });
      else {
        seen.add(key);
        phones.push(key);
      }
    }
  });
  return { phones, errors, rows };
};
