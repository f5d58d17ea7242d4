import { PLUGIN_ID } from '../constants';
import { toHttpError } from './errors';
import type services from '../services';

type Services = {
  [K in keyof typeof services]: ReturnType<(typeof services)[K]>;
};

/** The plugin's services, typed: `getService('messages').create(...)`. */
export const getService = <T extends keyof Services>(name: T): Services[T] =>
  strapi.plugin(PLUGIN_ID).service(name) as Services[T];

/** Runs a controller body, turning rule errors into 422/409 answers. */
export const handle = async <T>(fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (error) {
    throw toHttpError(error);
  }
};

/** Dates from raw SQL: SQLite gives epoch milliseconds, PostgreSQL gives Date objects. */
export const toDate = (value: unknown): Date | null => {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? new Date(n) : new Date(String(value));
};
