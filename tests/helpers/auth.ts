/**
 * Real credentials for tests: API tokens, users-permissions JWTs and admin JWTs, created
 * through Strapi's own services and endpoints.
 */
import type { Core } from '@strapi/strapi';
import type { TestApp } from './strapi';

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(sequence += 1)}`;

/** A full-access (or read-only) API token; returns the Authorization header value. */
export async function createApiToken(strapi: Core.Strapi, type: 'full-access' | 'read-only' = 'full-access') {
  const token = await strapi.service('admin::api-token').create({
    name: unique('test-token'),
    type,
    lifespan: null,
    permissions: [],
  });
  return `Bearer ${token.accessKey}`;
}

/** Grants content-API actions (e.g. 'api::work-order.work-order.find') to a users-permissions role. */
export async function grantToRole(strapi: Core.Strapi, roleType: 'authenticated' | 'public', actions: string[]) {
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: roleType } });
  for (const action of actions) {
    await strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
  }
}

/** Registers a users-permissions user (authenticated role) and logs in; returns the header value. */
export async function createUserJwt(app: TestApp) {
  const { strapi } = app;
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const username = unique('user');
  const password = 'Test-password-1';
  await strapi.plugin('users-permissions').service('user').add({
    username,
    email: `${username}@example.com`,
    password,
    provider: 'local',
    confirmed: true,
    blocked: false,
    role: role.id,
  });
  const res = await app.http().post('/api/auth/local').send({ identifier: username, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return `Bearer ${res.body.jwt}`;
}

/** An admin user with the given role code (default super admin); returns the admin JWT header. */
export async function createAdminJwt(app: TestApp, roleCode = 'strapi-super-admin') {
  const { strapi } = app;
  const role = await strapi.db.query('admin::role').findOne({ where: { code: roleCode } });
  const email = `${unique('admin')}@example.com`;
  const password = 'Admin-password-1';
  await strapi.service('admin::user').create({
    email,
    firstname: 'Test',
    lastname: 'Admin',
    password,
    isActive: true,
    roles: [role.id],
  });
  const res = await app.http().post('/admin/login').send({ email, password });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return `Bearer ${res.body.data.token}`;
}
