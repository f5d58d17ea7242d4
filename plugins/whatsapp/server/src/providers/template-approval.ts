/**
 * The pure part of the template sync (services/template-sync.ts): what a provider's words mean
 * for our templates. Statuses, categories and languages compared the same way everywhere, a
 * webhook event turned into a status, a provider template turned into a body of ours.
 */
import type { ApprovalProvider, TemplateApproval, TemplateApprovals, TemplateCategory } from '../../../shared/contracts';
import type { ProviderTemplate } from './types';

export const APPROVED = 'APPROVED';

/** Our placeholder for a positional parameter `{{1}}`: a name the template language takes. */
export const positionalName = (n: number | string) => `variable_${n}`;

/** `es-MX`, `es_mx` and `es_MX` are one language. */
export const sameLanguage = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? '').replace(/-/g, '_').toLowerCase() === (b ?? '').replace(/-/g, '_').toLowerCase();

/** MARKETING → marketing; a category we do not price (legacy names) → null. */
export const localCategory = (category: string | null | undefined): TemplateCategory | null => {
  const value = (category ?? '').toLowerCase();
  return value === 'marketing' || value === 'utility' || value === 'authentication' ? value : null;
};

/**
 * What a `message_template_status_update` event makes the status: most events are the status
 * itself; REINSTATED (and an unpause) is approved again; FLAGGED, LOCKED and UNLOCKED warn or
 * stop edits but change nothing about sending; UNARCHIVED puts back a status we do not know
 * (the next sync reads it).
 */
export const statusAfterEvent = (event: string, current: string | null): string | null => {
  const e = event.toUpperCase();
  if (e === 'REINSTATED' || e === 'UNPAUSED') return APPROVED;
  if (e === 'FLAGGED' || e === 'LOCKED' || e === 'UNLOCKED') return current;
  if (e === 'UNARCHIVED') return null;
  return e;
};

/** Statuses that stop a running campaign at once (pause it, saying why). */
export const STOPPING_STATUSES = new Set(['PAUSED', 'DISABLED']);

/** The stored approvals of a row (JSON text on some drivers). */
export const approvalsOf = (value: unknown): TemplateApprovals => {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as TemplateApprovals) : {};
};

/**
 * Why a template cannot be sent through this provider now, in words that name the status and
 * the reason, or null: only a status the provider reported and that is not APPROVED stops it
 * (a template no provider told us about is sent as before).
 */
export const notApprovedReason = (name: string, approvals: TemplateApprovals, provider: string): string | null => {
  if (provider !== 'meta' && provider !== 'twilio') return null;
  const approval = approvals[provider as ApprovalProvider];
  if (!approval?.status || approval.status === APPROVED) return null;
  const label = provider === 'meta' ? 'Meta' : 'Twilio';
  const status = approval.status.toLowerCase().replace(/_/g, ' ');
  return `Template "${name}" is not approved by ${label}: it is ${status}${approval.reason ? ` (${approval.reason})` : ''}`;
};

/** Whether two approvals say the same (the times aside): an unchanged template is not written. */
export const sameApproval = (a: TemplateApproval | undefined, b: TemplateApproval) =>
  Boolean(a) && a!.id === b.id && a!.status === b.status && a!.reason === b.reason && a!.quality === b.quality && a!.category === b.category;

/** A provider template's approval as stored, read now. */
export const approvalFrom = (template: ProviderTemplate, at: Date, previous?: TemplateApproval): TemplateApproval => {
  const next: TemplateApproval = {
    id: template.id,
    status: template.status,
    reason: template.reason,
    quality: template.quality,
    category: template.category,
    event: previous?.event ?? null,
    syncedAt: at.toISOString(),
    updatedAt: at.toISOString(),
  };
  return sameApproval(previous, next) ? { ...next, updatedAt: previous!.updatedAt } : next;
};

export interface ImportedBody {
  body: string;
  /** Our variables in the provider's parameter order (Meta `metaParameters`). */
  parameters: string[];
  /** Twilio's ContentVariables keys → our variables. */
  twilioVariables: Record<string, string>;
}

/**
 * A provider's body as ours: positional placeholders `{{1}}` become `{{variable_1}}` (the
 * template language has no variable called 1), named ones stay. The parameters come in the
 * provider's order: by number for positional ones, by first appearance for named ones.
 */
export const importBody = (text: string, format: 'positional' | 'named'): ImportedBody => {
  const names: string[] = [];
  const twilioVariables: Record<string, string> = {};
  const body = text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_match, raw: string) => {
    const positional = /^\d+$/.test(raw);
    const name = positional ? positionalName(Number(raw)) : raw;
    if (!names.includes(name)) names.push(name);
    twilioVariables[positional ? String(Number(raw)) : raw] = name;
    return `{{${name}}}`;
  });
  // {{1}} before {{2}} whatever the body's order; a named one among them keeps its place after.
  const rank = (name: string) => (/^variable_\d+$/.test(name) ? Number(name.slice(positionalName('').length)) : Number.MAX_SAFE_INTEGER);
  const parameters = format === 'named' ? names : [...names].sort((a, b) => rank(a) - rank(b));
  return { body, parameters, twilioVariables };
};
