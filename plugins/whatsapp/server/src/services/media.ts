import crypto from 'crypto';
import { readFile } from 'fs/promises';
import path from 'path';
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
/** Longer than any token `sign` makes; anything longer is not one. */
const MAX_TOKEN_LENGTH = 512;
/** File ids are 32-bit integer columns. */
const MAX_FILE_ID = 2_147_483_647;

/** Meta's largest document (100 MB): a file we could never send is not read into memory. */
const MAX_SEND_BYTES = 100 * 1024 * 1024;

const secret = () => readConfig().mediaSecret;

/**
 * Where the local upload provider keeps a file (`/uploads/x.pdf` under the public folder), or
 * null when its url is not a local path (a cloud upload provider) or leaves the public folder.
 */
export function localFilePath(publicDir: string, url: unknown): string | null {
  const text = String(url ?? '');
  if (!text.startsWith('/')) return null;
  const location = path.join(publicDir, text.replace(/^\/+/, ''));
  return location.startsWith(publicDir + path.sep) ? location : null;
}
const hmac = (payload: string) => crypto.createHmac('sha256', secret()).update(payload).digest('base64url');

/**
 * Files from the Strapi media library handed to providers. Providers fetch them through a
 * signed, expiring URL (`/api/whatsapp/media/:token`), never through an open folder.
 */
const createMediaService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Validates a media-library file for sending: PDF or image only. */
  async resolve(fileId: unknown, path = 'media'): Promise<MediaRef> {
    const id = Number(fileId);
    if (!Number.isInteger(id) || id <= 0 || id > MAX_FILE_ID) throw new RuleError(path, 'invalid', 'media must be the id of a file in the media library');
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

  /**
   * The file id a token grants, or null when forged, expired or not a token at all (any text,
   * non-ASCII included: the signatures are compared as bytes of equal length, never thrown on).
   */
  verify(token: unknown): number | null {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
    const parts = token.split('.');
    if (parts.length !== 2) return null;
    const [encoded, signature] = parts;
    if (!encoded || !signature) return null;
    const payload = Buffer.from(encoded, 'base64url').toString();
    const expected = Buffer.from(hmac(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !crypto.timingSafeEqual(expected, given)) return null;
    const [fileId, expires] = payload.split('.').map(Number);
    if (!Number.isSafeInteger(fileId) || fileId <= 0 || fileId > MAX_FILE_ID || !expires || expires * 1000 < Date.now()) return null;
    return fileId;
  },

  publicUrl(fileId: number): string {
    return `${publicUrl()}/api/whatsapp/media/${this.sign(fileId)}`;
  },

  async file(fileId: number) {
    return strapi.db.query('plugin::upload.file').findOne({ where: { id: fileId } });
  },

  /**
   * A media-library file's bytes, for providers that upload the file itself (Meta): from the
   * upload folder for the local provider, else from the file's absolute URL (a cloud provider:
   * S3, Cloudinary…), with the provider timeout as deadline.
   */
  async bytes(fileId: number): Promise<Buffer> {
    const file = await this.file(fileId);
    if (!file) throw new Error(`No file ${fileId} in the media library`);
    const local = localFilePath(strapi.dirs.static.public, file.url);
    if (local) return readFile(local);
    const url = String(file.url ?? '');
    if (!/^https?:\/\//i.test(url)) throw new Error(`File ${fileId} has no readable url`);
    const response = await fetch(url, { signal: AbortSignal.timeout(readConfig().dispatcher.providerTimeoutMs) });
    if (!response.ok) {
      await response.body?.cancel();
      // A status the classifier reads: 5xx / 429 from the storage are worth a retry, 404 is not.
      throw Object.assign(new Error(`HTTP ${response.status} fetching file ${fileId} from its upload provider`), { status: response.status, code: `HTTP_${response.status}` });
    }
    const size = Number(response.headers.get('content-length'));
    if (size > MAX_SEND_BYTES) {
      await response.body?.cancel();
      throw new Error(`File ${fileId} is larger than WhatsApp accepts (${size} bytes)`);
    }
    return Buffer.from(await response.arrayBuffer());
  },
});

export type MediaService = ReturnType<typeof createMediaService>;
export default createMediaService;
