/**
 * The access matrix, generated from the plugin's own route table: every route (REST for the
 * business's code, the admin API, the inbox, the webhooks), the Content Manager's routes for
 * every plugin type and every GraphQL query and mutation of the plugin (read from the schema),
 * called by every kind of caller (a role per plugin permission among them), answers what the
 * route's declared guard says, and a refused write leaves every table as it was. A new route is
 * in the matrix the moment it is declared; one that declares no guard the matrix knows fails
 * here until it is given one.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createUserJwt, grantToRole } from './helpers/auth';
import { UID } from './helpers/whatsapp';

type Kind = 'anonymous' | 'user' | 'token' | 'admin';
interface Caller {
  name: string;
  kind: Kind;
  header?: string;
  /** Content-API actions (`plugin::whatsapp.messages.find`) this caller holds. */
  api?: (action: string) => boolean;
  /** Admin actions (`plugin::whatsapp.inbox.read`) this caller holds; super admin holds all. */
  admin?: (action: string) => boolean;
  superAdmin?: boolean;
  /** Content Manager permissions on the plugin's types (Strapi's explorer.* actions). */
  contentManager?: boolean;
}

interface Route {
  method: string;
  path: string;
  handler: string;
  config?: { auth?: boolean | { scope?: string[] }; policies?: Array<string | { name: string; config?: { actions?: string[] } }> };
}

const PUBLIC_GRANT = 'plugin::whatsapp.templates.find';
const USER_GRANT = 'plugin::whatsapp.messages.find';
const CUSTOM_TOKEN_GRANTS = ['plugin::whatsapp.contacts.find', 'plugin::whatsapp.contacts.create'];
const CUSTOM_ROLE_GRANTS = ['plugin::whatsapp.inbox.read', 'plugin::whatsapp.messages.read'];
/** Written by the plugin alone: the document gate refuses every write (403), whoever asks. */
const HISTORY = new Set<string>([UID.message, UID.consent, UID.attempt, UID.auditEntry, UID.webhookEvent, 'plugin::whatsapp.automation-run', 'plugin::whatsapp.contact-import']);
const CM_ACTIONS = ['read', 'create', 'update', 'delete'].map((a) => `plugin::content-manager.explorer.${a}`);

/** The plugin's types in the Content Manager: who may read, who may write (see policies/content-manager-access.ts). */
const CM_RULES: Record<string, { read: string | 'super-admin'; write: string | 'super-admin'; single?: boolean }> = {
  [UID.contact]: { read: 'plugin::whatsapp.contacts.manage', write: 'plugin::whatsapp.contacts.manage' },
  [UID.consent]: { read: 'plugin::whatsapp.contacts.manage', write: 'plugin::whatsapp.contacts.manage' },
  [UID.template]: { read: 'plugin::whatsapp.templates.manage', write: 'plugin::whatsapp.templates.manage' },
  [UID.message]: { read: 'plugin::whatsapp.messages.read', write: 'plugin::whatsapp.messages.read' },
  [UID.conversation]: { read: 'plugin::whatsapp.inbox.read', write: 'plugin::whatsapp.inbox.reply' },
  [UID.followUp]: { read: 'plugin::whatsapp.inbox.read', write: 'plugin::whatsapp.inbox.reply' },
  [UID.campaign]: { read: 'plugin::whatsapp.campaigns.manage', write: 'plugin::whatsapp.campaigns.manage' },
  'plugin::whatsapp.automation': { read: 'plugin::whatsapp.automations.manage', write: 'plugin::whatsapp.automations.manage' },
  'plugin::whatsapp.automation-run': { read: 'plugin::whatsapp.automations.manage', write: 'super-admin' },
  'plugin::whatsapp.contact-import': { read: 'plugin::whatsapp.contacts.manage', write: 'super-admin' },
  [UID.sender]: { read: 'super-admin', write: 'super-admin' },
  [UID.webhookEvent]: { read: 'super-admin', write: 'super-admin' },
  [UID.auditEntry]: { read: 'super-admin', write: 'super-admin' },
  [UID.attempt]: { read: 'super-admin', write: 'super-admin' },
  [UID.setting]: { read: 'super-admin', write: 'super-admin', single: true },
};

describe('access matrix (generated from the route table)', () => {
  let app: TestApp;
  let base: string;
  let server: http.Server;
  const callers: Caller[] = [];

  /** One request; resolves on the status line (the inbox's event stream never ends). */
  const call = (method: string, path: string, header?: string, body?: unknown) =>
    new Promise<number>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(`${base}${path}`, {
        method,
        headers: {
          ...(header ? { Authorization: header } : {}),
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      });
      req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
      req.end(payload);
    });

  const adminRole = async (name: string, adminActions: string[], cmSubjects: string[]) => {
    const role = await app.strapi.service('admin::role').create({ name, description: `${name} (access matrix)` });
    // Every Content Manager action Strapi offers on these types (a single type has no delete).
    const provider = app.strapi.service('admin::permission').actionProvider;
    const offered = (action: string, subject: string) => Boolean(provider.get(action)?.subjects?.includes(subject));
    const permissions = [
      ...adminActions.map((action) => ({ action, subject: null, properties: {}, conditions: [] })),
      ...cmSubjects.flatMap((subject) =>
        CM_ACTIONS.filter((action) => offered(action, subject)).map((action) => ({ action, subject, properties: {}, conditions: [] }))
      ),
    ];
    await app.strapi.service('admin::role').assignPermissions(role.id, permissions);
    return createAdminJwt(app, role.code);
  };

  const token = async (type: 'read-only' | 'full-access' | 'custom', permissions: string[] = []) => {
    const created = await app.strapi.service('admin::api-token').create({ name: `matrix-${type}-${Date.now()}`, type, lifespan: null, permissions });
    return `Bearer ${created.accessKey}`;
  };

  beforeAll(async () => {
    app = await startStrapi();
    server = app.strapi.server.httpServer;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    await grantToRole(app.strapi, 'public', [PUBLIC_GRANT]);
    const userJwt = await createUserJwt(app);
    await grantToRole(app.strapi, 'authenticated', [USER_GRANT]);
    const isRead = (action: string) => /\.(find|findOne)$/.test(action);
    const none = () => false;
    const all = () => true;
    const ours = Object.keys(CM_RULES);

    callers.push(
      { name: 'anonymous (public role)', kind: 'anonymous', api: (a) => a === PUBLIC_GRANT, admin: none },
      // The authenticated role does not inherit the public role's grants.
      { name: 'users-permissions user', kind: 'user', header: userJwt, api: (a) => a === USER_GRANT, admin: none },
      { name: 'API token, read-only', kind: 'token', header: await token('read-only'), api: isRead, admin: none },
      { name: 'API token, full access', kind: 'token', header: await token('full-access'), api: all, admin: none },
      { name: 'API token, custom', kind: 'token', header: await token('custom', CUSTOM_TOKEN_GRANTS), api: (a) => CUSTOM_TOKEN_GRANTS.includes(a), admin: none },
      { name: 'Editor (default role)', kind: 'admin', header: await createAdminJwt(app, 'strapi-editor'), admin: none },
      { name: 'Author (default role)', kind: 'admin', header: await createAdminJwt(app, 'strapi-author'), admin: none },
      {
        name: 'custom role: Content Manager on every plugin type, no plugin permission',
        kind: 'admin',
        header: await adminRole('Content only', [], ours),
        admin: none,
        contentManager: true,
      },
      {
        name: 'custom role: inbox and message reading, Content Manager on every plugin type',
        kind: 'admin',
        header: await adminRole('Inbox reader', CUSTOM_ROLE_GRANTS, ours),
        admin: (a) => CUSTOM_ROLE_GRANTS.includes(a),
        contentManager: true,
      },
      { name: 'Super Admin', kind: 'admin', header: await createAdminJwt(app), admin: all, superAdmin: true, contentManager: true }
    );
    // One role per plugin permission (Settings → Roles → Plugins → WhatsApp), holding it alone.
    const pluginActions = app.strapi
      .service('admin::permission')
      .actionProvider.values()
      .map((a: { actionId: string }) => a.actionId)
      .filter((id: string) => id.startsWith('plugin::whatsapp.'));
    expect(pluginActions.length).toBeGreaterThanOrEqual(11);
    for (const action of pluginActions) {
      callers.push({ name: `custom role: only ${action}`, kind: 'admin', header: await adminRole(`Only ${action}`, [action], []), admin: (a) => a === action });
    }
  });
  afterAll(async () => {
    await app?.stop();
  });

  const routesOf = (): Array<Route & { type: string }> => {
    const routers = app.strapi.plugin('whatsapp').routes as Record<string, { type: string; routes: Route[] }>;
    return Object.values(routers).flatMap((router) => router.routes.map((route) => ({ ...route, type: router.type })));
  };

  /** A concrete URL: ids that exist nowhere, so allowed callers get an honest 4xx and nothing changes. */
  const urlOf = (route: Route & { type: string }) =>
    (route.type === 'admin' ? '/whatsapp' : '/api/whatsapp') + route.path.replace(':token', 'not-a-token').replace(/:[a-zA-Z]+/g, '999999');

  /**
   * Routes open to anyone (`auth: false`), each with what it answers whoever calls, given no
   * secret: the health check answers, the metrics do not exist without their token, a media link with a made-up token and Meta's handshake
   * without the verify token are refused. A new open route fails the matrix until listed here.
   */
  const OPEN: Record<string, number[]> = { 'health.show': [200], 'metrics.show': [404], 'media.download': [403, 404], 'webhooks.metaVerify': [403] };

  /** What a route's declaration says a caller gets: 'allowed', 401, 403, 'signed' (401/403 unsigned) or the open route's answers. */
  const expected = (route: Route & { type: string }, caller: Caller): 'allowed' | 401 | 403 | 'signed' | number[] => {
    const policies = route.config?.policies ?? [];
    const names = policies.map((p) => (typeof p === 'string' ? p : p.name));
    if (names.some((n) => /signature$/.test(n))) return 'signed';
    if (route.config?.auth === false) {
      if (!OPEN[route.handler]) throw new Error(`open route ${route.method} ${route.path} (${route.handler}) is not in the list of open routes`);
      return OPEN[route.handler];
    }
    if (route.type === 'admin') {
      if (!names.includes('admin::isAuthenticatedAdmin')) throw new Error(`admin route ${route.method} ${route.path} declares no admin guard`);
      if (caller.kind !== 'admin') return 401;
      const guard = policies.find((p) => typeof p === 'object') as { name: string; config?: { actions?: string[] } } | undefined;
      const actions = guard?.config?.actions ?? [];
      if (!actions.length) return 'allowed';
      const holds = (a: string) => Boolean(caller.superAdmin || caller.admin?.(a));
      const ok = guard?.name === 'plugin::whatsapp.has-any-permission' ? actions.some(holds) : actions.every(holds);
      return ok ? 'allowed' : 403;
    }
    // Content API: the route's declared scope (the import's status routes ask for the import
    // action), else Strapi's route permission `plugin::whatsapp.<controller>.<action>`.
    if (caller.kind === 'admin') return 401;
    const scope = typeof route.config?.auth === 'object' ? route.config.auth.scope?.[0] : undefined;
    return caller.api?.(scope ?? `plugin::whatsapp.${route.handler}`) ? 'allowed' : 403;
  };

  /** Every plugin table's row count, and the settings as stored: what a refused call must leave as it was. */
  const stored = async () => {
    const counts: Record<string, unknown> = {};
    for (const uid of Object.keys(CM_RULES)) counts[uid] = await app.strapi.db.query(uid as any).count({});
    const { updatedAt: _updated, ...settings } = (await app.strapi.db.query(UID.setting as any).findOne({})) ?? {};
    return { ...counts, settings };
  };
  const refusal = (want: ReturnType<typeof expected>) => want === 401 || want === 403 || want === 'signed';

  it('every route of the plugin answers each caller as its guard declares; a refused write writes nothing', async () => {
    const routes = routesOf();
    expect(routes.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const route of routes) {
      const url = urlOf(route);
      const body = ['POST', 'PUT'].includes(route.method) ? { data: {} } : undefined;
      const writes = route.method !== 'GET';
      // The refused callers first, between two snapshots of every table; then the allowed ones.
      const ordered = [...callers].sort((a, b) => Number(refusal(expected(route, b))) - Number(refusal(expected(route, a))));
      let before = writes ? await stored() : undefined;
      for (const caller of ordered) {
        const want = expected(route, caller);
        if (before && !refusal(want)) {
          const after = await stored();
          if (JSON.stringify(after) !== JSON.stringify(before)) wrong.push(`${route.method} ${url}: refused callers wrote ${JSON.stringify(after)} (was ${JSON.stringify(before)})`);
          before = undefined;
        }
        const got = await call(route.method, url, caller.header, body);
        const ok =
          want === 'allowed'
            ? got < 500 && got !== 401 && got !== 403
            : want === 'signed'
              ? got === 401 || got === 403
              : Array.isArray(want)
                ? want.includes(got)
                : got === want;
        if (!ok) wrong.push(`${route.method} ${url} as ${caller.name}: ${got}, expected ${want}`);
      }
      if (before && JSON.stringify(await stored()) !== JSON.stringify(before)) wrong.push(`${route.method} ${url}: refused callers wrote`);
    }
    expect(wrong).toEqual([]);
  });

  it('the Content Manager shows each plugin type only to the roles the plugin permits', async () => {
    const wrong: string[] = [];
    for (const [uid, rule] of Object.entries(CM_RULES)) {
      const path = rule.single ? `/content-manager/single-types/${uid}` : `/content-manager/collection-types/${uid}`;
      for (const caller of callers) {
        const may = (action: string) => Boolean(caller.contentManager && (caller.superAdmin || (action !== 'super-admin' && caller.admin?.(action))));
        const cases: Array<[string, number | 'allowed', unknown?]> = [
          ['GET', caller.kind !== 'admin' ? 401 : may(rule.read) ? 'allowed' : 403],
          ['POST', caller.kind !== 'admin' ? 401 : HISTORY.has(uid) || !may(rule.write) ? 403 : 'allowed', {}],
        ];
        if (rule.single) cases.pop();
        for (const [method, want, body] of cases) {
          const got = await call(method, path, caller.header, body);
          // An allowed write of an empty document is refused by the rules (400), never a 5xx.
          const ok = want === 'allowed' ? got < 500 && got !== 401 && got !== 403 : got === want;
          if (!ok) wrong.push(`${method} ${path} as ${caller.name}: ${got}, expected ${want}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  /**
   * GraphQL: every query and mutation the plugin adds (shadow CRUD and its own), found in the
   * schema itself, so a new one is in the matrix the moment it exists. Shadow CRUD asks for the
   * type's action (`plugin::whatsapp.template.find`), the plugin's own fields for the REST action
   * they stand for; a field neither rule explains fails here until it is given one.
   */
  const GRAPHQL_OWN: Record<string, string> = {
    sendWhatsAppMessage: 'plugin::whatsapp.messages.create',
    whatsappCampaignStats: 'plugin::whatsapp.campaigns.stats',
  };
  const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  const graphqlScope = (field: string): string => {
    if (GRAPHQL_OWN[field]) return GRAPHQL_OWN[field];
    for (const [uid, ct] of Object.entries(app.strapi.contentTypes) as Array<[string, { info: { singularName: string; pluralName: string } }]>) {
      if (!uid.startsWith('plugin::whatsapp.')) continue;
      const [one, many] = [`Whatsapp${pascal(ct.info.singularName)}`, `Whatsapp${pascal(ct.info.pluralName)}`];
      const lower = (x: string) => x[0].toLowerCase() + x.slice(1);
      if (field === lower(one)) return `${uid}.findOne`;
      if (field === lower(many) || field === `${lower(many)}_connection`) return `${uid}.find`;
      for (const action of ['create', 'update', 'delete']) if (field === `${action}${one}`) return `${uid}.${action}`;
    }
    throw new Error(`GraphQL field ${field} is in no rule of the access matrix`);
  };

  it('every GraphQL query and mutation of the plugin answers each caller as its scope says; a refused mutation writes nothing', async () => {
    const gql = async (header: string | undefined, query: string) => {
      const req = app.http().post('/graphql').send({ query });
      const res = await (header ? req.set('Authorization', header) : req);
      return res;
    };
    const schema = (
      await gql(
        undefined,
        '{ __schema { queryType { fields { name args { name type { kind name ofType { kind name ofType { kind name } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } mutationType { fields { name args { name type { kind name ofType { kind name ofType { kind name } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }'
      )
    ).body.data.__schema;
    type Type = { kind: string; name: string | null; ofType?: Type | null };
    const leaf = (t: Type): Type => (t.ofType ? leaf(t.ofType) : t);
    const ours = (fields: Array<{ name: string }>) => fields.filter((f) => /whatsapp/i.test(f.name));
    const operations = [
      ...ours(schema.queryType.fields).map((f: any) => ({ ...f, op: 'query' })),
      ...ours(schema.mutationType.fields).map((f: any) => ({ ...f, op: 'mutation' })),
    ];
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.map((o) => o.name)).toEqual(expect.arrayContaining(['sendWhatsAppMessage', 'whatsappCampaignStats', 'whatsappMessages', 'createWhatsappTemplate']));
    const wrong: string[] = [];
    for (const operation of operations) {
      const scope = graphqlScope(operation.name);
      // Required arguments only: an id that exists nowhere, an empty `data` (or the send's one required field).
      const args = operation.args
        .filter((a: { type: Type }) => a.type.kind === 'NON_NULL')
        .map((a: { name: string; type: Type }) => `${a.name}: ${leaf(a.type).name === 'ID' ? '"999999"' : leaf(a.type).name === 'WhatsAppMessageInput' ? '{ to: "+525512345678", body: "x" }' : '{}'}`);
      const selection = leaf(operation.type).kind === 'OBJECT' ? ' { __typename }' : '';
      const query = `${operation.op} { ${operation.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
      const isRead = /\.(find|findOne)$/.test(scope) || scope.endsWith('.stats');
      const ordered = [...callers].sort((a, b) => Number(Boolean(a.api?.(scope))) - Number(Boolean(b.api?.(scope))));
      let before = operation.op === 'mutation' ? await stored() : undefined;
      for (const caller of ordered) {
        const may = Boolean(caller.api?.(scope));
        if (before && may) {
          if (JSON.stringify(await stored()) !== JSON.stringify(before)) wrong.push(`${operation.name}: refused callers wrote`);
          before = undefined;
        }
        const res = await gql(caller.header, query);
        const errors: Array<{ message: string; extensions?: { code?: string } }> = res.body?.errors ?? [];
        const refused = res.status === 401 || res.status === 403 || errors.some((e) => /forbidden|unauthori[sz]ed|UNAUTHENTICATED/i.test(`${e.extensions?.code} ${e.message}`));
        if (res.status >= 500 || errors.some((e) => /internal server error/i.test(e.message))) wrong.push(`${query} as ${caller.name}: ${res.status} ${JSON.stringify(errors)}`);
        else if (refused === may) wrong.push(`${query} as ${caller.name}: ${refused ? 'refused' : 'answered'} (${scope}${isRead ? ', a read' : ''}) ${JSON.stringify(errors).slice(0, 200)}`);
      }
      if (before && JSON.stringify(await stored()) !== JSON.stringify(before)) wrong.push(`${operation.name}: refused callers wrote`);
    }
    expect(wrong).toEqual([]);
  });

  it('Strapi\'s default Editor and Author roles hold no permission on the plugin\'s types', async () => {
    const roles = await app.strapi.db.query('admin::role').findMany({ where: { code: { $in: ['strapi-editor', 'strapi-author'] } } });
    expect(roles).toHaveLength(2);
    const held = await app.strapi.db.query('admin::permission').findMany({
      where: { subject: { $startsWith: 'plugin::whatsapp.' }, role: { id: { $in: roles.map((r: { id: number }) => r.id) } } },
    });
    expect(held).toEqual([]);
    // Their permissions on the business's own types are untouched.
    const business = await app.strapi.db.query('admin::permission').count({
      where: { subject: { $startsWith: 'api::' }, role: { id: { $in: roles.map((r: { id: number }) => r.id) } } },
    });
    expect(business).toBeGreaterThan(0);
  });
});
