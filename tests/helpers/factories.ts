/**
 * Small factories so each test makes what it needs (and any one test can run alone with `-t`):
 * fresh phone numbers no other test in the file uses, message rows.
 */
import type { Core } from '@strapi/strapi';
import { UID } from './whatsapp';
import type { TestApp } from './strapi';

// A random start per test file (each file has its own module registry), then a counter.
let nextNumber = 10_000_000 + Math.floor(Math.random() * 80_000_000);

export interface TestNumber {
  /** +5255XXXXXXXX */
  e164: string;
  /** 55 XXXX XXXX, as a person types it. */
  national: string;
  /** Meta's 521 wa_id for the same mobile. */
  waId: string;
}

/** A Mexico City mobile number that no other call in this test file returns. */
export function uniqueMexicanNumber(): TestNumber {
  nextNumber += 1;
  if (nextNumber > 99_999_999) nextNumber = 10_000_000;
  const digits = String(nextNumber);
  return { e164: `+5255${digits}`, national: `55 ${digits.slice(0, 4)} ${digits.slice(4)}`, waId: `52155${digits}` };
}

/** A message row as the dispatcher would leave it (no provider needed), for tests that need history. */
export async function messageFixture(strapi: Core.Strapi, data: Record<string, unknown>) {
  const now = new Date();
  return strapi.db.query(UID.message as any).create({
    data: {
      direction: 'out',
      to: '+525512345678',
      from: '+15550001111',
      body: 'Hola',
      category: 'utility',
      channel: 'whatsapp',
      deliveryStatus: 'sent',
      attempts: 1,
      dueAt: now,
      queuedAt: now,
      sentAt: now,
      createdAt: now,
      updatedAt: now,
      ...data,
    },
  });
}

/** The appointment template several files send with (`cita`: nombre, fecha), created over REST. */
export async function createCitaTemplate(app: TestApp, token: string) {
  await app
    .http()
    .post('/api/whatsapp/templates')
    .set('Authorization', token)
    .send({ data: { name: 'cita', category: 'utility', body: 'Hola {{nombre}}, su cita es el {{fecha}}.' } })
    .expect(201);
}
