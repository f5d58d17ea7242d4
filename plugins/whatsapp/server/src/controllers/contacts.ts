import fs from 'fs';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { readConfig } from '../config';
import { getService, handle } from '../utils';
import { malformed } from '../utils/errors';
import { serializeConsent, serializeContact, serializeContactImport } from '../utils/serialize';
import { consentSchema, createContactSchema, eraseSchema, filterBool, filtersOf, filterText, pagination, paginationMeta, updateContactSchema, validateData } from '../validation';
import { assertNotErased, type ContactInput } from '../services/contacts';
import type { ConsentChange } from '../services/consent';
import type { PrivacyActor } from '../services/privacy';

const actorOf = (ctx: any) =>
  ctx.state?.user?.email ? `user:${ctx.state.user.email}` : ctx.state?.auth?.credentials?.name ? `token:${ctx.state.auth.credentials.name}` : 'api';

/** Who exports or erases, for the audit: the administrator (admin API), else the API caller. */
const privacyActorOf = (ctx: any): PrivacyActor =>
  ctx.state?.auth?.strategy?.name === 'admin'
    ? { method: 'admin', id: ctx.state.user?.id ?? null, email: ctx.state.user?.email ?? null }
    : { method: 'api', id: null, email: actorOf(ctx) };

/** `contacto-12-2026-05-04.json`: the download's name (no number or name in it). */
const exportFileName = (contactId: number, at: string) => `contacto-${contactId}-${at.slice(0, 10)}.json`;

interface UploadedFile {
  filepath: string;
  size: number;
  originalFilename?: string | null;
  mimetype?: string | null;
}

/** The example file offered for download: UTF-8 with a BOM, so Excel shows the accents. */
export const SAMPLE_CSV =
  '\uFEFF' +
  [
    'telefono,nombre,etiquetas,consentimiento,evidencia,correo,zona horaria,placa',
    '+52 55 1234 5678,José Núñez,cliente|taller,sí,Aceptó en mostrador el 15/01/2026,jose@example.com,America/Mexico_City,ABC-123-A',
    '33 1234 5678,María Fernández,cliente,no,,maria@example.com,America/Mexico_City,JKL-456-B',
    '81 8765 4321,"Taller Hernández, S.A.",proveedor,,,,America/Monterrey,',
  ].join('\r\n') +
  '\r\n';

/** `?background=true|false`: asked for, or not (undefined: by the file's size). */
const backgroundOf = (query: unknown): boolean | undefined => {
  const value = (query as Record<string, unknown> | undefined)?.background;
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw malformed('background', 'boolean', 'background must be true or false');
};

const uploads = (ctx: any): UploadedFile[] => Object.values(ctx.request?.files ?? {}).flat() as UploadedFile[];

export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async find(ctx: any) {
    const { page, pageSize } = pagination(ctx.query);
    const filters = filtersOf(ctx.query);
    const { results, total } = await getService('contacts').list({
      page,
      pageSize,
      search: filterText(filters.search, 'search'),
      tag: filterText(filters.tag, 'tag'),
      lead: filterBool(filters.lead, 'lead'),
      consent: filterBool(filters.consent, 'consent'),
    });
    ctx.body = { data: results.map(serializeContact), meta: paginationMeta(page, pageSize, total) };
  },

  async findOne(ctx: any) {
    const contact = await getService('contacts').findOneOrFail(ctx.params.id);
    const consent = await getService('consent').history(contact.id);
    ctx.body = { data: { ...serializeContact(contact), consentHistory: consent.map(serializeConsent) } };
  },

  async create(ctx: any) {
    const data = await validateData<ContactInput>(createContactSchema, ctx.request.body);
    const contact = await handle(() => getService('contacts').create({ ...data, source: 'api' }));
    ctx.status = 201;
    ctx.body = { data: serializeContact(contact) };
  },

  async update(ctx: any) {
    const data = await validateData<Partial<ContactInput>>(updateContactSchema, ctx.request.body);
    const contact = await handle(() => getService('contacts').update(ctx.params.id, data));
    ctx.body = { data: serializeContact(contact) };
  },

  async delete(ctx: any) {
    const contact = await handle(() => getService('contacts').delete(ctx.params.id));
    ctx.body = { data: serializeContact(contact) };
  },

  /**
   * Contacts from a CSV or XLSX file (multipart field `file`): valid rows written, bad rows
   * reported with row, column and reason. See services/contact-import.ts. A file larger than
   * WHATSAPP_IMPORT_BACKGROUND_MB, or `?background=true`, is imported by the background runner:
   * answered 202 with the import's row and its address in `Location` (services/contact-imports.ts);
   * `?background=false` keeps any file within the limit in the request, as before.
   */
  async import(ctx: any) {
    const files = ctx.request?.files ?? {};
    try {
      const file = files.file as UploadedFile | UploadedFile[] | undefined;
      if (!file) throw malformed('file', 'required', 'Send the contacts file (CSV or XLSX) as the multipart/form-data field `file`');
      if (Array.isArray(file)) throw malformed('file', 'single', 'Send one contacts file at a time');
      const { maxMegabytes, backgroundMegabytes } = readConfig().contactImport;
      if (file.size > maxMegabytes * 1024 * 1024) {
        const message = `The file is larger than the import limit of ${maxMegabytes} MB (WHATSAPP_IMPORT_MAX_MB)`;
        throw new errors.PayloadTooLargeError(message, { errors: [{ path: ['file'], message, name: 'PayloadTooLargeError', rule: 'max-size' }] });
      }
      const asked = backgroundOf(ctx.query);
      const upload = { path: file.filepath, name: file.originalFilename, mime: file.mimetype, size: file.size };
      if (asked ?? file.size > backgroundMegabytes * 1024 * 1024) {
        const row = await getService('contactImports').enqueue(upload, actorOf(ctx));
        ctx.status = 202;
        ctx.set('Location', String(ctx.path).replace(/\/import\/?$/, `/imports/${row.documentId}`));
        ctx.body = { data: serializeContactImport(row) };
        return;
      }
      const result = await handle(() => getService('contactImports').importNow(upload, actorOf(ctx)));
      ctx.body = { data: result };
    } finally {
      // Strapi removes uploads of the field `files` only; this route's upload is `file` (a
      // background import's was moved into the imports folder first).
      await Promise.all(uploads(ctx).map((f) => (f?.filepath ? fs.promises.rm(f.filepath, { force: true }) : undefined)));
    }
  },

  /** One import: its status and counts (a background import's progress). */
  async importStatus(ctx: any) {
    const row = await getService('contactImports').findOne(ctx.params.id);
    ctx.body = { data: serializeContactImport(row) };
  },

  /** The most recent imports first, in pages. */
  async imports(ctx: any) {
    const { page, pageSize } = pagination(ctx.query);
    const { results, total } = await getService('contactImports').list(page, pageSize);
    ctx.body = { data: results.map(serializeContactImport), meta: paginationMeta(page, pageSize, total) };
  },

  /** An example contacts file to start from. */
  async importSample(ctx: any) {
    ctx.set('Content-Type', 'text/csv; charset=utf-8');
    ctx.set('Content-Disposition', 'attachment; filename="contactos-ejemplo.csv"');
    ctx.body = SAMPLE_CSV;
  },

  /**
   * Everything held about the contact, as a JSON file (services/privacy.ts). Audited: who
   * exported whom, when.
   */
  async export(ctx: any) {
    const document = await handle(() => getService('privacy').exportContact(ctx.params.id, privacyActorOf(ctx)));
    ctx.set('Content-Type', 'application/json; charset=utf-8');
    ctx.set('Content-Disposition', `attachment; filename="${exportFileName(document.contact.id, document.exportedAt)}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = JSON.stringify(document, null, 2);
  },

  /**
   * Erases the contact's personal data (services/privacy.ts). The body must confirm it:
   * `{ "data": { "confirm": "<the contact's phone number or id>" } }` (a bare `{ "confirm": … }`
   * is read too); anything else is a 400 naming `confirm`, and nothing changes.
   */
  async erase(ctx: any) {
    const body = ctx.request.body;
    const data = body && typeof body === 'object' && 'data' in body ? body : { data: body && typeof body === 'object' ? body : {} };
    const { confirm } = await validateData<{ confirm?: string | number }>(eraseSchema, data);
    const result = await handle(() => getService('privacy').erase(ctx.params.id, confirm, privacyActorOf(ctx)));
    ctx.body = { data: result };
  },

  /** Grants or revokes consent: appended to the ledger, current state on the contact. */
  async consent(ctx: any) {
    const data = await validateData<ConsentChange>(consentSchema, ctx.request.body);
    const contact = await getService('contacts').findOneOrFail(ctx.params.id);
    await handle(async () => assertNotErased(contact));
    const { entry, contact: updated } = await getService('consent').record(contact, { ...data, actor: actorOf(ctx) });
    ctx.status = 201;
    ctx.body = { data: { consent: serializeConsent(entry), contact: serializeContact(updated) } };
  },
});
