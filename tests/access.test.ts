/**
 * Step 2 access: users-permissions roles and API tokens on the REST API, admin RBAC on the
 * admin API (sandbox toggle audited), GraphQL queries and the send mutation.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken, createUserJwt, grantToRole } from './helpers/auth';
import { createCitaTemplate } from './helpers/factories';
import { count, UID, waitForStatus } from './helpers/whatsapp';
import { startFakes, type Fakes } from './fakes';

describe('access', () => {
  let app: TestApp;
  let fakes: Fakes;
  let token: string;

  beforeAll(async () => {
    // Providers configured (fakes that answer): live mode can only be switched on with one.
    fakes = await startFakes();
    app = await startStrapi({ env: fakes.env });
    token = await createApiToken(app.strapi);
    await createCitaTemplate(app, token);
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  const message = { to: '+525512345678', template: 'cita', variables: { nombre: 'Ana', fecha: 'lunes' } };

  it('a users-permissions role without the permission gets 403 and nothing is written; with it, 201', async () => {
    const jwt = await createUserJwt(app);
    const before = await count(app.strapi, UID.message);
    const denied = await app.http().post('/api/whatsapp/messages').set('Authorization', jwt).send({ data: message }).expect(403);
    expect(denied.body.error.name).toBe('ForbiddenError');
    expect(await count(app.strapi, UID.message)).toBe(before);
    const gqlDenied = await app
      .http()
      .post('/graphql')
      .set('Authorization', jwt)
      .send({ query: 'mutation { sendWhatsAppMessage(data: { to: "+525512345678", body: "x" }) { id } }' });
    expect(gqlDenied.body.errors[0].message).toMatch(/Forbidden/i);
    expect(await count(app.strapi, UID.message)).toBe(before);

    await grantToRole(app.strapi, 'authenticated', ['plugin::whatsapp.messages.create']);
    const ok = await app.http().post('/api/whatsapp/messages').set('Authorization', jwt).send({ data: message }).expect(201);
    expect(ok.body.data.to).toBe('+525512345678');
    // Reading stays forbidden until granted too.
    await app.http().get('/api/whatsapp/messages').set('Authorization', jwt).expect(403);
  });

  it('anonymous callers are refused', async () => {
    await app.http().post('/api/whatsapp/messages').send({ data: message }).expect(403);
    await app.http().get('/api/whatsapp/templates').expect(403);
  });

  it('a read-only API token can list but not send', async () => {
    const readOnly = await createApiToken(app.strapi, 'read-only');
    await app.http().get('/api/whatsapp/messages').set('Authorization', readOnly).expect(200);
    await app.http().post('/api/whatsapp/messages').set('Authorization', readOnly).send({ data: message }).expect(403);
  });

  describe('admin RBAC', () => {
    it('registers the plugin actions', async () => {
      const actions = app.strapi.service('admin::permission').actionProvider.values().map((a: any) => a.actionId);
      expect(actions).toEqual(
        expect.arrayContaining([
          'plugin::whatsapp.messages.send',
          'plugin::whatsapp.messages.read',
          'plugin::whatsapp.templates.manage',
          'plugin::whatsapp.settings.sandbox',
          'plugin::whatsapp.inbox.read',
        ])
      );
      // Only actions that guard a route or a screen (no campaigns or dashboard until they exist).
      expect(actions.filter((id: string) => id.startsWith('plugin::whatsapp.')).sort()).toEqual(
        ['automations.manage', 'campaigns.launch', 'campaigns.manage', 'contacts.manage', 'inbox.read', 'inbox.reply', 'messages.read', 'messages.send', 'settings.manage', 'settings.sandbox', 'templates.manage'].map((a) => `plugin::whatsapp.${a}`)
      );
    });

    it('an administrator toggles sandbox mode; the change is audited with who, before, after and when', async () => {
      const admin = await createAdminJwt(app);
      const before = await app.http().get('/whatsapp/settings').set('Authorization', admin).expect(200);
      expect(before.body.data.sandbox).toBe(true);
      // Other tests may audit their own actions: count from here.
      const audited = await count(app.strapi, UID.auditEntry);

      const off = await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { sandbox: false } }).expect(200);
      expect(off.body.data.sandbox).toBe(false);
      const health = await app.http().get('/api/whatsapp/health').expect(200);
      expect(health.body.data.sandbox).toBe(false);

      const entries = await app.strapi.db.query(UID.auditEntry as any).findMany({ orderBy: { id: 'desc' } });
      expect(entries[0]).toMatchObject({ action: 'settings.update', before: { sandbox: true }, after: { sandbox: false } });
      expect(entries[0].actorEmail).toMatch(/@example\.com$/);
      expect(entries[0].at).toBeTruthy();

      await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { sandbox: true } }).expect(200);
      expect(await count(app.strapi, UID.auditEntry)).toBe(audited + 2);

      const bad = await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { sandbox: 'yes' } }).expect(400);
      expect(bad.body.error.details.errors[0].path).toEqual(['sandbox']);
      expect(await count(app.strapi, UID.auditEntry)).toBe(audited + 2);
    });

    it('an editor without the plugin permissions gets 403 on the admin API and cannot toggle sandbox', async () => {
      const editor = await createAdminJwt(app, 'strapi-editor');
      await app.http().put('/whatsapp/settings').set('Authorization', editor).send({ data: { sandbox: false } }).expect(403);
      await app.http().post('/whatsapp/messages').set('Authorization', editor).send({ data: message }).expect(403);
      await app.http().get('/whatsapp/messages').set('Authorization', editor).expect(403);
      // The settings need a settings permission; whether sandbox is on is for every administrator.
      await app.http().get('/whatsapp/settings').set('Authorization', editor).expect(403);
      const health = await app.http().get('/whatsapp/health').set('Authorization', editor).expect(200);
      expect(health.body.data.sandbox).toBe(true);
      await app.http().put('/whatsapp/settings').send({ data: { sandbox: false } }).expect(401);
    });

    it('the super admin sends from the admin API', async () => {
      const admin = await createAdminJwt(app);
      const res = await app.http().post('/whatsapp/messages').set('Authorization', admin).send({ data: message }).expect(201);
      await waitForStatus(app.strapi, res.body.data.id, ['sent']);
    });
  });

  describe('GraphQL', () => {
    it('sends a message with the sendWhatsAppMessage mutation and queries it back', async () => {
      const res = await app
        .http()
        .post('/graphql')
        .set('Authorization', token)
        .send({
          query: `mutation Send($data: WhatsAppMessageInput!) {
            sendWhatsAppMessage(data: $data) { id documentId status to body created }
          }`,
          variables: { data: { to: '55 1234 5678', template: 'cita', variables: { nombre: 'Luis', fecha: 'martes' } } },
        })
        .expect(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.sendWhatsAppMessage).toMatchObject({
        status: 'queued',
        to: '+525512345678',
        body: 'Hola Luis, su cita es el martes.',
        created: true,
      });
      await waitForStatus(app.strapi, res.body.data.sendWhatsAppMessage.id, ['sent']);

      const query = await app
        .http()
        .post('/graphql')
        .set('Authorization', token)
        .send({ query: '{ whatsappTemplates { name category } whatsappMessages(filters: { status: { eq: "sent" } }) { to status } }' })
        .expect(200);
      expect(query.body.errors).toBeUndefined();
      expect(query.body.data.whatsappTemplates).toEqual([{ name: 'cita', category: 'utility' }]);
      expect(query.body.data.whatsappMessages.length).toBeGreaterThan(0);
    });

    it('the mutation accepts exactly what REST accepts: an unknown category, or a template and a body together, are refused and write nothing', async () => {
      const before = await count(app.strapi, UID.message);
      const send = (data: Record<string, unknown>) =>
        app
          .http()
          .post('/graphql')
          .set('Authorization', token)
          .send({ query: 'mutation Send($data: WhatsAppMessageInput!) { sendWhatsAppMessage(data: $data) { id status } }', variables: { data } })
          .expect(200);
      const bogus = await send({ to: '+525512345678', body: 'hola', category: 'bogus' });
      expect(bogus.body.data?.sendWhatsAppMessage ?? null).toBeNull();
      expect(JSON.stringify(bogus.body.errors)).toMatch(/category/);
      const both = await send({ to: '+525512345678', template: 'cita', variables: { nombre: 'Luis', fecha: 'martes' }, body: 'y un texto' });
      expect(both.body.data?.sendWhatsAppMessage ?? null).toBeNull();
      expect(JSON.stringify(both.body.errors)).toMatch(/either template or body/);
      const halfRelated = await send({ to: '+525512345678', template: 'cita', variables: { nombre: 'Luis', fecha: 'martes' }, relatedType: 'api::work-order.work-order' });
      expect(JSON.stringify(halfRelated.body.errors)).toMatch(/related/);
      expect(await count(app.strapi, UID.message)).toBe(before);
    });

    it('the mutation reports rule errors and writes nothing', async () => {
      const before = await count(app.strapi, UID.message);
      const res = await app
        .http()
        .post('/graphql')
        .set('Authorization', token)
        .send({
          query: 'mutation { sendWhatsAppMessage(data: { to: "+525512345678", template: "cita", variables: { nombre: "Luis" } }) { id } }',
        });
      expect(res.body.errors[0].message).toMatch(/fecha/);
      expect(await count(app.strapi, UID.message)).toBe(before);
    });
  });
});
