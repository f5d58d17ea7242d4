/** Shortcuts for the WhatsApp plugin's tables, to assert on what was stored. */
import type { Core } from '@strapi/strapi';
import { waitFor } from './wait';

export const UID = {
  contact: 'plugin::whatsapp.contact',
  consent: 'plugin::whatsapp.consent',
  template: 'plugin::whatsapp.template',
  sender: 'plugin::whatsapp.sender',
  message: 'plugin::whatsapp.message',
  attempt: 'plugin::whatsapp.attempt',
  auditEntry: 'plugin::whatsapp.audit-entry',
  setting: 'plugin::whatsapp.setting',
  campaign: 'plugin::whatsapp.campaign',
  webhookEvent: 'plugin::whatsapp.webhook-event',
  conversation: 'plugin::whatsapp.conversation',
  followUp: 'plugin::whatsapp.follow-up',
} as const;

export const count = (strapi: Core.Strapi, uid: string, where: Record<string, unknown> = {}) =>
  strapi.db.query(uid as any).count({ where });

export const messageRow = (strapi: Core.Strapi, id: number) => strapi.db.query(UID.message as any).findOne({ where: { id } });

/** Waits until the message reaches one of the given statuses; returns the row. */
export const waitForStatus = (strapi: Core.Strapi, id: number, statuses: string[], timeoutMs = 15_000) =>
  waitFor(async () => {
    const row = await messageRow(strapi, id);
    return row && statuses.includes(row.deliveryStatus) ? row : null;
  }, timeoutMs);

/** A snapshot of row counts, to prove a rejected request wrote nothing. */
export const snapshot = async (strapi: Core.Strapi) => ({
  messages: await count(strapi, UID.message),
  contacts: await count(strapi, UID.contact),
  attempts: await count(strapi, UID.attempt),
  consents: await count(strapi, UID.consent),
});

/** Marks that the contact wrote to us at `at` (opens the 24-hour window). */
export const setLastInbound = async (strapi: Core.Strapi, phone: string, at: Date) => {
  const existing = await strapi.db.query(UID.contact as any).findOne({ where: { phone } });
  if (existing) return strapi.db.query(UID.contact as any).update({ where: { id: existing.id }, data: { lastInboundAt: at } });
  return strapi.db.query(UID.contact as any).create({ data: { phone, lastInboundAt: at, source: 'inbound' } });
};

/** Waits until the dispatcher has nothing in hand (so counts do not move under an assertion). */
export const settle = async (strapi: Core.Strapi) => {
  await strapi.plugin('whatsapp').service('dispatcher').idle();
};
