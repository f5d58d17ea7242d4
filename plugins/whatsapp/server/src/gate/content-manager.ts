import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';

const POLICY = `plugin::${PLUGIN_ID}.content-manager-access`;
const DEFAULT_ROLES = ['strapi-editor', 'strapi-author'];
const WRAPPED = Symbol.for('whatsapp.revokes-default-roles');
const REVOKED_FLAG = { type: 'plugin', name: PLUGIN_ID, key: 'default-roles-revoked' };

/** The Content Manager routes that name a type: `:model` in the path, or `?contentType=` for history. */
const namesAType = (route: { path?: string }) =>
  typeof route.path === 'string' && (route.path.includes(':model') || route.path.includes(':contentType') || route.path.startsWith('/history-versions'));

/**
 * Register phase: appends our access policy (policies/content-manager-access.ts) to every
 * Content Manager route that names a type, after the Content Manager's own permission check.
 * Routes are mounted after every plugin has registered, so the change is in place before the
 * first request.
 */
export const guardContentManagerRoutes = (strapi: Core.Strapi) => {
  const contentManager = strapi.plugin('content-manager');
  if (!contentManager) return;
  const routers = contentManager.routes as Record<string, { routes?: Array<{ path?: string; config?: { policies?: unknown[] } }> }>;
  for (const router of Object.values(routers)) {
    for (const route of router.routes ?? []) {
      if (!namesAType(route)) continue;
      route.config = route.config ?? {};
      const policies = route.config.policies ?? [];
      if (!policies.includes(POLICY)) route.config.policies = [...policies, POLICY];
    }
  }
};

/**
 * Register phase: Strapi creates its default roles during the admin's own bootstrap, which may
 * run after ours on a first boot; take our types back right after it, before the first request.
 */
export const revokeWhenDefaultRolesAreCreated = (strapi: Core.Strapi) => {
  const roles = strapi.service('admin::role') as { createRolesIfNoneExist?: (() => Promise<void>) & { [WRAPPED]?: true } } | undefined;
  const create = roles?.createRolesIfNoneExist;
  // The admin's services are module singletons: a second Strapi in the same process (tests,
  // a restart) finds them wrapped already, and the wrapper reads the running instance.
  if (!roles || typeof create !== 'function' || create[WRAPPED]) return;
  const wrapped = async () => {
    await create.call(roles);
    await revokeDefaultRoleAccess(global.strapi);
  };
  roles.createRolesIfNoneExist = Object.assign(wrapped, { [WRAPPED]: true as const });
};

/**
 * Bootstrap (and right after the default roles are created), once per database: Strapi gave its default Editor and Author roles Content Manager
 * permissions on every type, ours included; take ours back so those roles see nothing of the
 * plugin (not in the menu, not on the home page's recent documents). An administrator who later
 * grants them again in Settings → Roles keeps that choice: this runs only the first time.
 */
export const revokeDefaultRoleAccess = async (strapi: Core.Strapi) => {
  if (await strapi.store.get(REVOKED_FLAG)) return;
  const roles: Array<{ id: number }> = await strapi.db.query('admin::role').findMany({ where: { code: { $in: DEFAULT_ROLES } } });
  if (roles.length) {
    const permissions: Array<{ id: number }> = await strapi.db.query('admin::permission').findMany({
      where: { subject: { $startsWith: `plugin::${PLUGIN_ID}.` }, role: { id: { $in: roles.map((r) => r.id) } } },
    });
    if (permissions.length) {
      await strapi.db.query('admin::permission').deleteMany({ where: { id: { $in: permissions.map((p) => p.id) } } });
    }
  }
  // Roles are created on the first boot before plugins bootstrap; none yet means nothing to take back.
  if (roles.length) await strapi.store.set({ ...REVOKED_FLAG, value: true });
};
