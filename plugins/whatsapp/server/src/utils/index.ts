import { PLUGIN_ID } from '../constants';
import type services from '../services';

type Services = {
  [K in keyof typeof services]: ReturnType<(typeof services)[K]>;
};

/** The plugin's services, typed: `getService('messages').create(...)`. */
export const getService = <T extends keyof Services>(name: T): Services[T] =>
  strapi.plugin(PLUGIN_ID).service(name) as Services[T];
