import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { RuleError } from '../utils/errors';
import { publicUrl } from '../utils/webhook-request';
import { readConfig } from '../config';

export interface MediaRef {
  fileId: number;
  name: string;
  mime: string;
  kind: 'image' | 'document';
}

const DEFAULT_TTL_SECONDS = 24 * 60 * 60;

const secret = () => readConfig().mediaSecret;
const hmac = (payload: string) => crypto.createHmac('sha256', secret()).update(payload).digest('base64url');

/**
 * Files from the Strapi media library handed to providers. Providers fetch them through a
 * signed, expiring URL (`/api/whatsapp/media/:token`), never through an open folder.
 */
const createMediaService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Validates a media-library file for sending: PDF or image only. */
  async resolve(fileId: unknown, path = 'media'): Promise<MediaRef> {
    const id = Number(fileId);
    if (!Number.isInteger(id) || id <= 0) throw new RuleError(path, 'invalid', 'media must be the id of a file in the media library');
    const file = await strapi.db.query('plugin::upload.file').findOne({ where: { id } });
    if (!file) throw new RuleError(path, 'not-found', `No file ${id} in the media library`);
    const mime = String(file.mime || '');
    const kind = mime === 'application/pdf' ? 'document' : /^image\/(jpeg|png)$/.test(mime) ? 'image' : null;
    if (!kind) throw new RuleError(path, 'media-type', `WhatsApp media must be a PDF or a JPEG/PNG image; file ${id} is ${mime || 'unknown'}`);
    return { fileId: id, name: file.name, mime, kind };
  },

  sign(fileId: number, ttlSeconds = DEFAULT_TTL_SECONDS): string {
    const payload = `${fileId}.${Math.floor(Date.now() / 1000) + ttlSeconds}`;
    return `${Buffer.from(payload).toString('base64url')}.${hmac(payload)}`;
  },

  /** The file id a token grants, or null when forged or expired. */
  verify(token: string): number | null {
    const [encoded, signature] = String(token).split('.');
    if (!encoded || !signature) return null;
    const payload = Buffer.from(encoded, 'base64url').toString();
    const expected = hmac(payload);
    if (expected.length !== signature.length || !crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return null;
    const [fileId, expires] = payload.split('.').map(Number);
    if (!fileId || !expires || expires * 1000 < Date.now()) return null;
    return fileId;
  },

  publicUrl(fileId: number): string {
    return `${publicUrl()}/api/whatsapp/media/${this.sign(fileId)}`;
  },

  async file(fileId: number) {
    return strapi.db.query('plugin::upload.file').findOne({ where: { id: fileId } });
  },
});

export type MediaService = ReturnType<typeof createMediaService>;
export default createMediaService;
