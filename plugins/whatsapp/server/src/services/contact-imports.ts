import fs from 'fs';
import os from 'os';
import path from 'path';
import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { getService } from '../utils';
import { notFound, RuleError } from '../utils/errors';
import { whereRef } from '../utils/document-id';
import { createJob, workerOwner } from '../workers/runner';
import { ImportStopped, MAX_LISTED_ERRORS, type ImportFile, type ImportResult } from './contact-import';

/**
 * The contacts-import table and its job on the shared runner (workers/runner.ts). Every import,
 * answered at once or in the background, is a row: who, which file, its status and its counts as
 * they grow. This module is its only writer; each transition below is one statement guarded by
 * the state (and, while running, by "I hold the lease").
 *
 * A background import's file waits on the disk of the instance that took the upload
 * (`<app>/.tmp/whatsapp-imports/`), so that instance's runner imports it: the job runs on every
 * instance, `WHATSAPP_WORKER=false` ones included (an import writes contacts, it never sends).
 *
 * A restart re-runs an interrupted import from the start of its file instead of resuming at a
 * row: the import is idempotent per phone (the same values are written again, tags and fields
 * merge, consent is recorded only when it changes), so running it twice gives the contacts one
 * run gives. Its counts start again too, so a contact the interrupted run had created counts as
 * `updated` the second time; `attempts` says it happened. A runner that stops gives the import
 * back between batches (queued again); one killed holds a lease that expires (LEASE_MS). After
 * MAX_ATTEMPTS starts it is failed with the reason, rather than retried forever.
 */

/** A running import refreshes its lease with each progress write (at least once a batch). */
const LEASE_MS = 60_000;
/** Progress is written after the first batch, then at most this often, and at the end. */
const PROGRESS_EVERY_MS = 1_000;
/** Starts of one import (restarts included) before it is failed. */
const MAX_ATTEMPTS = 3;
/** An import another host took and left (queued, or running with its lease expired) this long is failed. */
const ABANDONED_MS = 24 * 60 * 60 * 1000;
const SWEEP_EVERY_MS = 10 * 60_000;
const host = os.hostname();

export interface ImportUpload extends ImportFile {
  size: number;
}

/** Another instance took the import over (our lease expired): stop without writing more. */
class LeaseLost extends Error {}

const reasonOf = (error: unknown) => (error instanceof RuleError ? error.message : ((error as Error)?.message ?? String(error))).slice(0, 2000);

const createContactImportsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => strapi.db.connection;
  const meta = () => strapi.db.metadata.get(UID.contactImport);
  const table = () => meta().tableName;
  /** The column of an attribute, as the schema declares it (rowsRead → rows_read). */
  const c = (attribute: string) => (meta().attributes[attribute] as { columnName?: string } | undefined)?.columnName ?? attribute;
  const dir = () => path.join(strapi.dirs.app.root, '.tmp', 'whatsapp-imports');
  const leaseFromNow = () => new Date(Date.now() + LEASE_MS);
  let stopping = false;

  const counts = (result: ImportResult) => ({
    [c('bytesRead')]: result.bytesRead ?? 0,
    [c('rowsRead')]: result.rows,
    [c('created')]: result.created,
    [c('updated')]: result.updated,
    [c('skipped')]: result.skipped,
    [c('duplicates')]: result.duplicates,
    [c('rowErrors')]: JSON.stringify(result.errors.slice(0, MAX_LISTED_ERRORS)),
    [c('errorCount')]: result.errorCount,
  });
  const zero: ImportResult = { created: 0, updated: 0, skipped: 0, duplicates: 0, rows: 0, errors: [], errorCount: 0 };

  // ------------------------------------------------------------------------------------------
  // Transitions

  /** A new row: queued (background, its file stored) or running here at once (answered in the request). */
  const open = (upload: ImportUpload, actor: string | null, background: boolean, storedFile: string | null) => {
    const now = new Date();
    return strapi.db.query(UID.contactImport).create({
      data: {
        state: background ? 'queued' : 'running',
        background,
        fileName: upload.name?.slice(0, 255) ?? null,
        fileSize: upload.size,
        mime: upload.mime?.slice(0, 255) ?? null,
        storedFile,
        host,
        owner: background ? null : workerOwner,
        leaseUntil: background ? null : leaseFromNow(),
        attempts: background ? 0 : 1,
        actor: actor?.slice(0, 255) ?? null,
        startedAt: background ? null : now,
        rowErrors: [],
      },
    });
  };

  /** The next import this host may take: queued, or running under a lease that expired. */
  const nextHere = async (): Promise<{ id: number } | undefined> =>
    knex()(table())
      .where(c('host'), host)
      .where((q) => q.where(c('state'), 'queued').orWhere((r) => r.where(c('state'), 'running').where(c('leaseUntil'), '<', new Date())))
      .orderBy('id', 'asc')
      .first('id');

  /** Takes it (one conditional update; counted at claim); its counts start again. */
  const claim = async (id: number) => {
    const now = new Date();
    const taken = await knex()(table())
      .where('id', id)
      .where((q) => q.where(c('state'), 'queued').orWhere((r) => r.where(c('state'), 'running').where(c('leaseUntil'), '<', now)))
      .update({
        [c('state')]: 'running',
        [c('owner')]: workerOwner,
        [c('leaseUntil')]: leaseFromNow(),
        [c('attempts')]: knex().raw('?? + 1', [c('attempts')]),
        [c('startedAt')]: now,
        [c('reason')]: null,
        ...counts(zero),
        [c('updatedAt')]: now,
      });
    return taken === 1;
  };

  /** The counts so far, and a fresh lease; false when the lease is no longer ours. */
  const progress = async (id: number, result: ImportResult) => {
    const n = await knex()(table())
      .where({ id, [c('state')]: 'running', [c('owner')]: workerOwner })
      .update({ ...counts(result), [c('leaseUntil')]: leaseFromNow(), [c('updatedAt')]: new Date() });
    return n === 1;
  };

  const complete = (id: number, result: ImportResult) => {
    const now = new Date();
    return knex()(table())
      .where({ id, [c('state')]: 'running', [c('owner')]: workerOwner })
      .update({ ...counts(result), [c('bytesRead')]: knex().ref(c('fileSize')), [c('state')]: 'completed', [c('finishedAt')]: now, [c('leaseUntil')]: null, [c('storedFile')]: null, [c('updatedAt')]: now });
  };

  /** Failed with the reason; the counts of what was written before the failure stay (written rows stay too). */
  const fail = (id: number, reason: string, result: ImportResult | null, owned = true) => {
    const now = new Date();
    const query = knex()(table()).where('id', id).where(c('state'), 'running');
    if (owned) query.where(c('owner'), workerOwner);
    return query.update({
      ...(result ? counts(result) : {}),
      [c('state')]: 'failed',
      [c('reason')]: reason.slice(0, 2000),
      [c('finishedAt')]: now,
      [c('leaseUntil')]: null,
      [c('storedFile')]: null,
      [c('updatedAt')]: now,
    });
  };

  /** Given back by a stopping runner: queued again, and this start does not count. */
  const release = (id: number) =>
    knex()(table())
      .where({ id, [c('state')]: 'running', [c('owner')]: workerOwner })
      .update({ [c('state')]: 'queued', [c('owner')]: null, [c('leaseUntil')]: null, [c('attempts')]: knex().raw('?? - 1', [c('attempts')]), [c('updatedAt')]: new Date() });

  /**
   * Imports whose host never came back for them (a container replaced with its disk): failed,
   * so nobody waits on them. Their files were on that host's disk.
   */
  const sweepAbandoned = () => {
    const now = new Date();
    const cutoff = new Date(now.getTime() - ABANDONED_MS);
    return knex()(table())
      .whereNot(c('host'), host)
      .whereIn(c('state'), ['queued', 'running'])
      .where(c('updatedAt'), '<', cutoff)
      .where((q) => q.where(c('state'), 'queued').orWhere(c('leaseUntil'), '<', cutoff))
      .update({
        [c('state')]: 'failed',
        [c('reason')]: 'The server that received the file did not import it within 24 hours (it stopped, or its disk is gone): upload the file again',
        [c('finishedAt')]: now,
        [c('leaseUntil')]: null,
        [c('updatedAt')]: now,
      });
  };

  // ------------------------------------------------------------------------------------------
  // Running an import

  /**
   * The contacts service's import with this row's progress: written after the first batch (so a
   * large file shows it started), then at most once a second, and at the end; never per row.
   * A background import also stops between batches when the runner stops (an import answered
   * in its request finishes it).
   */
  const runImport = async (id: number, file: ImportFile, actor: string | null, background: boolean) => {
    let last = 0;
    let latest: ImportResult | null = null;
    try {
      const result = await getService('contactImport').importFile(file, {
        actor,
        shouldStop: background ? () => stopping : undefined,
        onProgress: async (so) => {
          latest = so;
          if (last && Date.now() - last < PROGRESS_EVERY_MS) return;
          last = Date.now();
          if (!(await progress(id, so))) throw new LeaseLost();
        },
      });
      await complete(id, result);
      return result;
    } catch (error) {
      if (error instanceof ImportStopped) await release(id);
      else if (!(error instanceof LeaseLost)) await fail(id, reasonOf(error), latest);
      throw error;
    }
  };

  /** One claimed background import, from its stored file. */
  const runQueued = async (row: Record<string, any>) => {
    const stored = row.storedFile ? path.join(dir(), path.basename(String(row.storedFile))) : null;
    if (Number(row.attempts) > MAX_ATTEMPTS) {
      await fail(row.id, `The import was interrupted ${MAX_ATTEMPTS} times (the server stopped during it): upload the file again`, null);
    } else if (!stored) {
      // Answered in the request, which never finished: the server stopped during it.
      await fail(row.id, 'The server stopped during the import, before it answered: upload the file again (rows already written are updated, not duplicated)', null);
    } else if (!fs.existsSync(stored)) {
      await fail(row.id, 'The uploaded file is no longer on this server (its temporary folder was emptied): upload the file again', null);
    } else {
      try {
        await runImport(row.id, { path: stored, name: row.fileName, mime: row.mime }, row.actor ?? null, true);
      } catch (error) {
        if (error instanceof ImportStopped || error instanceof LeaseLost) return;
        // A file's own problem (no phone column) is the row's reason, not the server's.
        if (!(error instanceof RuleError)) strapi.log.warn(`[whatsapp] contacts import ${row.id} failed: ${reasonOf(error)}`);
      }
    }
    if (stored) await fs.promises.rm(stored, { force: true });
  };

  let lastSweep = 0;
  const job = createJob({
    name: 'contact-imports',
    // Uploads here wake it; the interval finds imports whose lease expired (a killed process).
    intervalMs: 10_000,
    log: strapi.log,
    work: async () => {
      if (Date.now() - lastSweep >= SWEEP_EVERY_MS) {
        lastSweep = Date.now();
        await sweepAbandoned();
      }
      const next = await nextHere();
      if (!next || stopping) return 0;
      if (!(await claim(next.id))) return 1;
      const row = await strapi.db.query(UID.contactImport).findOne({ where: { id: next.id } });
      await runQueued(row);
      return 1;
    },
  });

  return {
    start() {
      stopping = false;
      lastSweep = 0;
      job.start();
    },
    /** Stops between batches: the import in flight goes back to queued and runs again at the next start. */
    async stop() {
      stopping = true;
      await job.stop();
    },
    idle: () => job.idle(),

    /** Imports the file in this request (its row running here), answering the counts. */
    async importNow(upload: ImportUpload, actor: string | null): Promise<ImportResult> {
      const row = await open(upload, actor, false, null);
      return runImport(row.id, upload, actor, false);
    },

    /**
     * Keeps the upload (moved into the imports folder) and queues it for the runner; answers the
     * row. The upload's own temporary file may be removed afterwards.
     */
    async enqueue(upload: ImportUpload, actor: string | null) {
      await fs.promises.mkdir(dir(), { recursive: true });
      const storedFile = `${Date.now()}-${crypto.randomUUID()}`;
      const target = path.join(dir(), storedFile);
      try {
        await fs.promises.rename(upload.path, target);
      } catch {
        // Another device (the OS temporary folder on its own mount): copied instead.
        await fs.promises.copyFile(upload.path, target);
      }
      const row = await open(upload, actor, true, storedFile);
      job.wake();
      return row;
    },

    async findOne(ref: string | number) {
      const where = whereRef(ref);
      const row = where ? await strapi.db.query(UID.contactImport).findOne({ where }) : null;
      if (!row) throw notFound(`Contacts import ${ref} not found`);
      return row;
    },

    /** The most recent imports first. */
    async list(page: number, pageSize: number) {
      const query = strapi.db.query(UID.contactImport);
      const [results, total] = await Promise.all([
        query.findMany({ orderBy: { id: 'desc' }, offset: (page - 1) * pageSize, limit: pageSize }),
        query.count({}),
      ]);
      return { results, total };
    },
  };
};

export type ContactImportsService = ReturnType<typeof createContactImportsService>;
export default createContactImportsService;
