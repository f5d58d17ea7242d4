/**
 * The automations API (`/whatsapp/automations`, REST `/api/whatsapp/automations`): a rule as
 * server/src/controllers/automations.ts serializes it, its runs, the content types a rule may
 * watch with their fields, and the preview of what a rule would send for one record.
 */
export type AutomationTrigger = 'field-change' | 'created' | 'date' | 'manual';
export type AutomationConditionOp = 'eq' | 'ne' | 'in' | 'notIn' | 'empty' | 'notEmpty';
export type AutomationCategory = 'utility' | 'marketing' | 'authentication';

/** All must hold on the record; `field` may follow relations (`customer.country`). */
export interface AutomationCondition {
  field: string;
  op: AutomationConditionOp;
  value?: unknown;
}

/** A template variable's source: a path on the record (`customer.name`) or a fixed value. */
export type AutomationVariableSource = string | { value: string | number | boolean };

export type AutomationRunState = 'pending' | 'processing' | 'queued' | 'sent' | 'skipped' | 'failed';

/** In the list only: how often the rule ran, and its last run. */
export interface AutomationRunsSummary {
  total: number;
  lastAt: string | null;
  lastState: AutomationRunState | null;
}

export interface Automation {
  id: number;
  documentId: string;
  name: string;
  enabled: boolean;
  contentType: string;
  trigger: AutomationTrigger;
  field: string | null;
  fromValue: string | null;
  toValue: string | null;
  offsetDays: number;
  atTime: string | null;
  conditions: AutomationCondition[];
  recipient: string;
  template: string;
  variables: Record<string, AutomationVariableSource>;
  attachment: 'none' | 'pdf';
  delayMinutes: number;
  category: AutomationCategory;
  writeBack: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  runs?: AutomationRunsSummary;
}

/** What POST / PUT take (PUT: any subset). */
export type AutomationInput = Partial<Omit<Automation, 'id' | 'documentId' | 'createdAt' | 'updatedAt' | 'runs'>>;

/** One firing of a rule for one record: what happened and why. */
export interface AutomationRun {
  id: number;
  automationId: number;
  contentType: string;
  recordId: string;
  trigger: string;
  change: string | null;
  state: AutomationRunState;
  reason: string | null;
  messageId: number | null;
  dueAt: string | null;
  writtenBackAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** A value a rule can read: the type's own field (`state`) or one a relation or component away (`customer.phone`). */
export interface AutomationField {
  name: string;
  type: string;
  enum?: string[];
}

/** GET /whatsapp/automations/content-types: the types a rule may watch (the application's own, `api::…`). */
export interface AutomationContentType {
  uid: string;
  kind: 'collectionType' | 'singleType';
  displayName: string;
  draftAndPublish: boolean;
  /** A PDF of the record can be attached (quotes and purchase orders). */
  pdf: boolean;
  /** The field the Content Manager shows as the record's title. */
  mainField: string;
  fields: AutomationField[];
}

/**
 * POST /whatsapp/automations/:id/preview and /automations/preview: what the rule would do for one
 * record, worked out by the job's own code and the message-creation checks, with nothing written.
 */
export interface AutomationPreview {
  documentId: string;
  /** What the run would become: a message (`send`), `skipped` (disabled, a condition) or `failed`. */
  outcome: 'send' | 'skipped' | 'failed';
  /** In the run's own words, as the runs list would show it. */
  reason: string | null;
  /** False for rules sent by hand: their conditions are not checked. */
  conditionsApply: boolean;
  conditions: Array<AutomationCondition & { holds: boolean; actual: unknown }>;
  recipient: { path: string; value: string | null; to: string | null };
  variables: Record<string, unknown>;
  /** The text as it would be sent (null when the template does not render for this record). */
  text: string | null;
  template: string;
  category: string | null;
  attachment: 'none' | 'pdf';
  /** The check a send would fail on, named like the API's field errors. */
  problem: { path: string; rule: string; message: string } | null;
}
