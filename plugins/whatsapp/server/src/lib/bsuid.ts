/**
 * Meta's business-scoped user ids (BSUID): the id WhatsApp gives a person for one business
 * portfolio, sent with every message webhook and the only identifier left when the person uses a
 * username and hides their number. Shape (Meta, "Business-scoped user IDs"): the person's ISO
 * 3166 alpha-2 country code, a period, and up to 128 alphanumeric characters
 * (`US.13491208655302741918`); a parent BSUID has `ENT` between them (`US.ENT.11815799212886844830`).
 *
 * A message row whose `to` is a BSUID is sent with the Cloud API's `recipient` field instead of
 * `to` (providers/meta/payload.ts).
 */
const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

export const isBusinessScopedUserId = (value: unknown): value is string => typeof value === 'string' && BSUID.test(value.trim());

/** The BSUID in `value`, trimmed, or null when it is not one. */
export const businessScopedUserId = (value: unknown): string | null => (isBusinessScopedUserId(value) ? value.trim() : null);
