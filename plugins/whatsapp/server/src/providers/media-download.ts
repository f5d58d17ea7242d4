/**
 * Streams a provider's media file to a temporary file, with what a download from a webhook needs
 * and http.ts (JSON, whole bodies in memory) does not have:
 * - a size cap enforced while reading (Content-Length is a hint, not a promise): over it the
 *   request is aborted and `MediaTooLargeError` thrown, nothing kept;
 * - redirects followed (Twilio answers 307 to its CDN), a few at most, and credentials sent to
 *   the first origin only: a redirect elsewhere is fetched without them;
 * - a SHA-256 of the bytes, to check Meta's;
 * - an AbortSignal, so stopping Strapi does not wait for a slow download.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { ProviderError, timeoutError, toProviderError } from './errors';

export class MediaTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly size: number | null
  ) {
    super(size === null ? `The file is larger than ${limit} bytes` : `The file has ${size} bytes, more than the ${limit} allowed`);
    this.name = 'MediaTooLargeError';
  }
}

export interface DownloadOptions {
  provider: string;
  headers?: Readonly<Record<string, string>>;
  maxBytes: number;
  /** Deadline for the whole download, redirects included. */
  timeoutMs: number;
  maxRedirects?: number;
  signal?: AbortSignal;
}

export interface DownloadedFile {
  /** A temporary file the caller removes (`removeDownload`). */
  filepath: string;
  size: number;
  sha256: Buffer;
  /** The Content-Type of the final answer, when given. */
  contentType: string | undefined;
}

/** A non-2xx answer, with its (short) body for the provider's error parser. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    readonly body: string
  ) {
    super(`HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ERROR_BODY_BYTES = 64 * 1024;

/** GET `url` into a temporary file. Throws HttpStatusError, MediaTooLargeError or ProviderError. */
export async function downloadToFile(url: string, options: DownloadOptions): Promise<DownloadedFile> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const firstOrigin = new URL(url).origin;
  let current = url;
  try {
    for (let hop = 0; ; hop += 1) {
      const target = new URL(current);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw new ProviderError(`Refusing to follow a redirect to ${target.protocol}`, { provider: options.provider, code: 'BAD_REDIRECT' });
      }
      // Credentials belong to the host we were given, never to the CDN a redirect points at.
      const headers = target.origin === firstOrigin ? { ...options.headers } : {};
      const response = await get(target, headers, signal);
      const status = response.statusCode ?? 0;
      if (REDIRECTS.has(status) && response.headers.location) {
        response.resume();
        if (hop >= (options.maxRedirects ?? 3)) {
          throw new ProviderError(`More than ${options.maxRedirects ?? 3} redirects`, { provider: options.provider, status, code: 'TOO_MANY_REDIRECTS' });
        }
        current = new URL(response.headers.location, target).toString();
        continue;
      }
      if (status < 200 || status >= 300) throw new HttpStatusError(status, response.headers, await readSome(response));
      return await save(response, options.maxBytes);
    }
  } catch (error) {
    if (error instanceof HttpStatusError || error instanceof MediaTooLargeError || error instanceof ProviderError) throw error;
    if (deadline.aborted) throw timeoutError(options.provider, options.timeoutMs, error);
    throw toProviderError(options.provider, error);
  }
}

export async function removeDownload(file: Pick<DownloadedFile, 'filepath'> | null | undefined): Promise<void> {
  if (file) await fs.promises.rm(file.filepath, { force: true });
}

function get(target: URL, headers: Record<string, string>, signal: AbortSignal): Promise<http.IncomingMessage> {
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    // No keep-alive agent: downloads are few, and a pooled socket would outlive stop().
    const request = client.get(target, { headers: { accept: '*/*', ...headers }, signal, agent: false }, resolve);
    request.on('error', reject);
  });
}

async function readSome(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      if (size < ERROR_BODY_BYTES) chunks.push(buffer);
      size += buffer.length;
    }
  } catch {
    // The status is what matters; a body cut short is still worth its first bytes.
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_BYTES);
}

async function save(response: http.IncomingMessage, maxBytes: number): Promise<DownloadedFile> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new MediaTooLargeError(maxBytes, declared);
  }
  const filepath = path.join(os.tmpdir(), `whatsapp-media-${crypto.randomUUID()}`);
  const hash = crypto.createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) {
        callback(new MediaTooLargeError(maxBytes, null));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(response, meter, fs.createWriteStream(filepath, { mode: 0o600 }));
  } catch (error) {
    await fs.promises.rm(filepath, { force: true });
    throw error;
  }
  return { filepath, size, sha256: hash.digest(), contentType: response.headers['content-type'] };
}
