import type { Core } from '@strapi/strapi';
import { LIVE_EVENTS, UID } from '../constants';
import { downloadableMedia, mediaFilename, extensionFor, mimeAllowed, retryDelayMs, baseMime, type DownloadableMedia } from '../lib/inbound-media';
import { toProviderError } from '../providers/errors';
import { classifyMediaError, type FetchedMedia, type MediaFetchOptions } from '../providers/media';
import { MediaTooLargeError } from '../providers/media-download';
import { providerModule } from '../providers/registry';
import { commonSettings } from '../providers/settings';
import { removeDownload } from '../providers/media-download';
import { getService } from '../utils';
import { createJob } from '../workers/runner';
import { whatsappFolderId } from '../utils/media-folder';
import { serializeMessage } from '../utils/serialize';
import type { Message } from './messages';

import { MEDIA_STATUS } from '../queue';
import type { MediaStatus } from '../queue';
import { readConfig } from '../config';
export { MEDIA_STATUS };
export type { MediaStatus };

/** Two downloads at a time: enough to keep up with customers, gentle on a 2-core server and the provider. */
const CONCURRENCY = 2;
/** Rows picked up by the startup sweep; more wait for the next start (or a manual one). */
const SWEEP_LIMIT = 1000;
const DOWNLOAD_TIMEOUT_MS = 120_000;

export interface UploadedFile {
  id: number;
  name: string;
  url: string;
  mime: string;
  size: number;
}
interface UploadService {
  upload(input: { data: { fileInfo: Record<string, unknown> }; files: Record<string, unknown> }): Promise<UploadedFile[]>;
  remove(file: UploadedFile): Promise<unknown>;
}

/**
 * Customers' photos, documents and voice notes, copied into the Strapi media library so staff can
 * open them: the inbound message is stored first (webhooks answer at once), then its file is
 * downloaded here, off the webhook's path, by a small in-process queue.
 *
 * The message row carries the state: `mediaStatus` pending → stored (with `mediaFileId`) |
 * too-large | failed (with `mediaError`). Transient provider failures are tried again a few times
 * with backoff; rows still `pending` when the process stopped are picked up by the startup
 * sweep. Two instances sweeping the same row may both download it: the link is a conditional
 * UPDATE (`WHERE media_status = 'pending'`), and the loser deletes its copy.
 *
 * Sandbox mode means nothing leaves the machine, downloads included: rows stay `pending` until
 * the sandbox is switched off (the settings service then sweeps them).
 */
const createInboundMediaService = ({ strapi }: { strapi: Core.Strapi }) => {
  const waiting: Array<{ id: number; attempt: number }> = [];
  /** Ids queued, downloading or waiting for a retry: a message is never in the queue twice. */
  const known = new Set<number>();
  /** Ids waiting for their next try, with the timer that queues it. */
  const retrying = new Map<number, NodeJS.Timeout>();
  let abort = new AbortController();
  let sweeping: Promise<void> | null = null;
  let stopped = false;

  const enabled = () => readConfig().media.download;

  const fetchConfig = (): MediaFetchOptions => ({
    maxBytes: readConfig().media.maxBytes,
    timeoutMs: commonSettings().timeoutMs,
    downloadTimeoutMs: DOWNLOAD_TIMEOUT_MS,
    signal: abort.signal,
  });

  const uploads = () => strapi.plugin('upload').service('upload') as unknown as UploadService;

  /** The WhatsApp folder of the media library (utils/media-folder.ts, shared with the PDF documents). */
  const folderId = () => whatsappFolderId(strapi);

  /** Sets the outcome, only while the row is still pending (another instance may have won). */
  const settle = (id: number, data: { mediaStatus: MediaStatus; mediaFileId?: number | null; mediaError?: string | null }) => getService('queue').settleMedia(id, data);

  const publish = async (id: number) => {
    const message = await strapi.db.query(UID.message).findOne({ where: { id } });
    if (!message) return;
    const [withFile] = await service.withFiles([message]);
    getService('live').publish(LIVE_EVENTS.messageMedia, { conversationId: message.conversationId ?? null, message: serializeMessage(withFile) });
  };

  const fetchFile = (message: Message, media: DownloadableMedia): Promise<FetchedMedia> => {
    // The provider's own download (providers/<name>/media.ts): Meta by media id, Twilio by URL.
    const provider = providerModule(String(message.provider));
    const reference = message.provider === 'meta' ? media.mediaId : media.url;
    if (provider?.fetchMedia && reference) return provider.fetchMedia(reference, fetchConfig(), provider.settings());
    throw new Error(`No way to download ${media.kind} of a ${message.provider} message`);
  };

  /** Downloads, stores and links one message's file; the outcome is on the row. */
  const download = async (id: number, attempt: number) => {
    const message: Message | null = await strapi.db.query(UID.message).findOne({ where: { id } });
    if (!message || message.mediaStatus !== MEDIA_STATUS.pending || stopped) return;
    if (await getService('settings').isSandbox()) return;
    const media = downloadableMedia(message.media);
    if (!media) {
      await settle(id, { mediaStatus: MEDIA_STATUS.failed, mediaError: 'The message names no file to download' });
      return publish(id);
    }
    let fetched: FetchedMedia | null = null;
    try {
      fetched = await fetchFile(message, media);
      // The provider's type; what the webhook said when the provider's answer is generic.
      const mime = fetched.mime && baseMime(fetched.mime) !== 'application/octet-stream' ? fetched.mime : media.mime ?? 'application/octet-stream';
      const security = strapi.config.get<Record<string, unknown>>('plugin::upload.security', {}) ?? {};
      if (!mimeAllowed(mime, security)) {
        await settle(id, { mediaStatus: MEDIA_STATUS.failed, mediaError: `The media library does not accept ${baseMime(mime)} files (upload security settings)` });
        return await publish(id);
      }
      const file = await store(message, media, fetched, mime);
      const linked = await settle(id, { mediaStatus: MEDIA_STATUS.stored, mediaFileId: file.id });
      if (!linked) await uploads().remove(file);
      else await publish(id);
    } catch (error) {
      if (stopped) return; // aborted by stop(): still pending, the next start sweeps it
      await failed(message, attempt, error);
    } finally {
      await removeDownload(fetched);
    }
  };

  /**
   * Into the media library. The file's extension (and so the type /uploads serves it with) comes
   * from the checked MIME type, never from the customer's file name, which is kept as the display
   * name: `factura.pdf.html` must not become an HTML page on our origin.
   */
  const store = async (message: Message, media: DownloadableMedia, fetched: FetchedMedia, mime: string): Promise<UploadedFile> => {
    const providerId = String(message.providerMessageId ?? message.id);
    const [file] = await uploads().upload({
      data: {
        fileInfo: {
          name: mediaFilename(media, mime, providerId),
          caption: media.caption ?? null,
          alternativeText: `WhatsApp ${media.kind} from ${message.from ?? 'a customer'}`,
          folder: await folderId(),
        },
      },
      files: { filepath: fetched.filepath, originalFilename: `${media.kind}-${message.id}.${extensionFor(mime)}`, mimetype: baseMime(mime), size: fetched.size },
    });
    if (!file) throw new Error('The media library stored nothing');
    return file;
  };

  const failed = async (message: Message, attempt: number, error: unknown) => {
    const id = message.id;
    if (error instanceof MediaTooLargeError) {
      await settle(id, { mediaStatus: MEDIA_STATUS.tooLarge, mediaError: error.message });
      return publish(id);
    }
    const provider = String(message.provider);
    const kind = classifyMediaError((providerModule(provider) ?? providerModule('twilio'))!.classify, error);
    const reason = toProviderError(provider, error).message;
    const delay = kind.kind === 'rate-limited' ? retryDelayMs(attempt, kind.retryAfterSeconds) : kind.kind === 'transient' ? retryDelayMs(attempt) : null;
    if (delay !== null) {
      strapi.log.info(`[whatsapp] media of message ${id}: ${reason}; try ${attempt + 1} in ${delay} ms`);
      const timer = setTimeout(() => {
        retrying.delete(id);
        service.enqueue(id, attempt + 1);
      }, delay);
      timer.unref();
      retrying.set(id, timer);
      return;
    }
    strapi.log.warn(`[whatsapp] media of message ${id} not downloaded: ${reason}`);
    await settle(id, { mediaStatus: MEDIA_STATUS.failed, mediaError: reason.slice(0, 1000) });
    await publish(id);
  };

  /** One download per round; CONCURRENCY loops side by side (workers/runner.ts). */
  const downloads = createJob({
    name: 'inbound media',
    loops: CONCURRENCY,
    log: strapi.log,
    work: async () => {
      const next = waiting.shift();
      if (!next) return 0;
      try {
        await download(next.id, next.attempt);
      } catch (error) {
        strapi.log.error(`[whatsapp] media of message ${next.id}: ${(error as Error).message}`);
      } finally {
        known.delete(next.id);
      }
      return 1;
    },
  });

  const service = {
    /** `pending` for a new inbound message whose file we will download, else null (column left empty). */
    initialStatus(content: unknown): MediaStatus | null {
      return enabled() && downloadableMedia(content) ? MEDIA_STATUS.pending : null;
    },

    /** Queues a pending message's download; returns at once (the webhook applier does not wait). */
    enqueue(id: number, attempt = 1) {
      if (stopped || !enabled() || known.has(id) || retrying.has(id)) return;
      known.add(id);
      waiting.push({ id, attempt });
      downloads.wake();
    },

    /** At startup: files of messages left pending by the last run. */
    start() {
      stopped = false;
      abort = new AbortController();
      downloads.start();
      this.sweep();
    },

    /**
     * Queues every message whose file is still pending: at startup, when the sandbox is switched
     * off (files that arrived in sandbox mode wait for that), and hourly from the scheduler.
     */
    sweep() {
      if (stopped || !enabled() || sweeping) return;
      sweeping = (async () => {
        for (const id of await getService('queue').pendingMedia(SWEEP_LIMIT)) this.enqueue(id);
      })()
        .catch((error: unknown) => {
          strapi.log.error(`[whatsapp] media sweep failed: ${(error as Error).message}`);
        })
        .finally(() => {
          sweeping = null;
        });
    },

    /** Stops taking work, cancels waits and aborts downloads; what was pending stays pending. */
    async stop() {
      stopped = true;
      waiting.length = 0;
      for (const timer of retrying.values()) clearTimeout(timer);
      retrying.clear();
      known.clear();
      abort.abort();
      await sweeping;
      await downloads.stop();
    },

    /** Resolves when nothing is queued, downloading or waiting for a retry (tests). */
    async idle() {
      while (waiting.length || retrying.size || sweeping) {
        await sweeping;
        await downloads.idle();
        if (retrying.size || waiting.length) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await downloads.idle();
    },

    /** Messages with their stored file attached as `mediaFile` (one query), for serializeMessage. */
    async withFiles<T extends Record<string, any>>(messages: T[]): Promise<Array<T & { mediaFile?: UploadedFile | null }>> {
      const ids = [...new Set(messages.map((m) => Number(m.mediaFileId)).filter((n) => Number.isInteger(n) && n > 0))];
      if (!ids.length) return messages;
      const files: UploadedFile[] = await strapi.db.query('plugin::upload.file').findMany({ where: { id: { $in: ids } }, select: ['id', 'name', 'url', 'mime', 'size'] });
      const byId = new Map(files.map((f) => [Number(f.id), f]));
      // A file deleted from the media library since shows as null, not as a dead link.
      return messages.map((m) => (m.mediaFileId ? { ...m, mediaFile: byId.get(Number(m.mediaFileId)) ?? null } : m));
    },
  };
  return service;
};

export type InboundMediaService = ReturnType<typeof createInboundMediaService>;
export default createInboundMediaService;
