/**
 * Step 10, the admin's Templates and Settings pages: what they ask the server that nothing asked
 * before. The senders list and "check now" (an authenticated read of the number at its provider:
 * nothing sent, nothing audited; tests/sender-health.test.ts covers what it stores), a template
 * by id for the editor, and the editor's live preview of a body not saved yet (a 422 naming the field, with the body's variables listed).
 * An administrator without the permissions gets 403 on each.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt } from './helpers/auth';
import { count, UID } from './helpers/whatsapp';
import { startFakes, TEST_CREDENTIALS, type Fakes } from './fakes';

describe('admin API of the templates and settings pages', () => {
  let app: TestApp;
  let fakes: Fakes;
  let admin: string;
  let editor: string;

  const api = (method: 'get' | 'post', path: string, auth = admin) => app.http()[method](path).set('Authorization', auth);
  const config = (path: string, value: unknown) => app.strapi.config.set(`plugin::whatsapp.${path}`, value);

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'true' } });
    admin = await createAdminJwt(app);
    editor = await createAdminJwt(app, 'strapi-editor');
  });
  afterEach(() => fakes.reset());
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  describe('senders', () => {
    const senders = async () => (await api('get', '/whatsapp/senders').expect(200)).body.data as Array<Record<string, unknown>>;
    const byProvider = async (provider: string) => (await senders()).find((s) => s.provider === provider)!;

    it('lists the sending numbers with provider, tier and rate; no credentials', async () => {
      const list = await senders();
      expect(list.map((s) => s.provider).sort()).toEqual(['meta', 'sandbox', 'twilio']);
      for (const sender of list) {
        expect(Object.keys(sender).sort()).toEqual(
          ['active', 'checkError', 'checkStatus', 'checkedAt', 'dailyLimit', 'documentId', 'id', 'isDefault', 'messagesPerSecond', 'messagingTier', 'name', 'number', 'provider', 'qualityRating'].sort()
        );
      }
      expect(await byProvider('sandbox')).toMatchObject({ number: 'sandbox', messagesPerSecond: 1000, dailyLimit: null, active: true });
    });

    it('checks a sender by asking its provider once; the sandbox asks nobody; nothing is audited', async () => {
      const audited = await count(app.strapi, UID.auditEntry);
      const meta = await byProvider('meta');
      const res = await api('post', `/whatsapp/senders/${meta.id}/check`).expect(200);
      expect(res.body.data).toMatchObject({ id: meta.id, provider: 'meta', checkStatus: 'ok', check: { ok: true, status: 'ok', detail: expect.stringMatching(/^Meta answered/), checkedAt: expect.any(String) } });
      expect(fakes.meta.requests.map((r) => [r.method, r.path])).toEqual([['GET', `/${TEST_CREDENTIALS.metaGraphVersion}/${TEST_CREDENTIALS.metaPhoneNumberId}`]]);
      expect(fakes.meta.sent).toHaveLength(0);

      const twilio = await byProvider('twilio');
      expect((await api('post', `/whatsapp/senders/${twilio.id}/check`).expect(200)).body.data).toMatchObject({ provider: 'twilio', check: { ok: true } });
      expect(fakes.twilio.requests).toHaveLength(1);

      const sandbox = await byProvider('sandbox');
      expect((await api('post', `/whatsapp/senders/${sandbox.id}/check`).expect(200)).body.data).toMatchObject({ provider: 'sandbox', check: { ok: true } });
      expect(fakes.meta.requests).toHaveLength(1);
      expect(await count(app.strapi, UID.auditEntry)).toBe(audited);
    });

    it('says what the provider answered when it refuses the credentials (200, ok false)', async () => {
      config('meta.accessToken', 'wrong-token');
      try {
        const meta = await byProvider('meta');
        const res = await api('post', `/whatsapp/senders/${meta.id}/check`).expect(200);
        expect(res.body.data.check).toMatchObject({ ok: false, status: 'credentials-refused', detail: expect.stringMatching(/Meta refused the credentials \(HTTP 401/) });
      } finally {
        config('meta.accessToken', TEST_CREDENTIALS.metaAccessToken);
      }
    });

    it('a sender that does not exist is a 404, an id that is not a number a 400; an administrator without settings permissions gets 403', async () => {
      await api('post', '/whatsapp/senders/999999/check').expect(404);
      await api('post', '/whatsapp/senders/abc/check').expect(400);
      await api('post', '/whatsapp/senders/99999999999999/check').expect(404);
      const sandbox = await byProvider('sandbox');
      await api('get', '/whatsapp/senders', editor).expect(403);
      await api('post', `/whatsapp/senders/${sandbox.id}/check`, editor).expect(403);
    });
  });

  describe('templates editor', () => {
    let template: { id: number; documentId: string };

    beforeAll(async () => {
      const res = await api('post', '/whatsapp/templates')
        .send({ data: { name: 'aviso-editor', category: 'utility', body: 'Hola {{nombre}}, su pedido {{pedido}} está listo.' } })
        .expect(201);
      template = res.body.data;
    });

    it('reads one template by id or documentId; 404 for none', async () => {
      const byId = await api('get', `/whatsapp/templates/${template.id}`).expect(200);
      expect(byId.body.data).toMatchObject({ name: 'aviso-editor', variables: ['nombre', 'pedido'], meta: null, twilio: null, active: true });
      await api('get', `/whatsapp/templates/${template.documentId}`).expect(200);
      await api('get', '/whatsapp/templates/999999').expect(404);
    });

    it('previews a draft body not saved yet: text, length and the variables it uses', async () => {
      const res = await api('post', '/whatsapp/templates/preview')
        .send({ data: { body: 'Hola {{nombre}}, total {{total}}', variables: { nombre: 'Ana', total: '10' } } })
        .expect(200);
      expect(res.body.data).toEqual({ text: 'Hola Ana, total 10', length: 18, variables: ['nombre', 'total'], provider: null });
    });

    it('a missing variable is a 422 naming it, with the body’s variables listed; a body that does not read is a 422 on body', async () => {
      const missing = await api('post', '/whatsapp/templates/preview').send({ data: { body: 'Hola {{nombre}} {{cliente.ciudad}}', variables: { nombre: 'Ana' } } }).expect(422);
      expect(missing.body.error.details.errors).toEqual([expect.objectContaining({ path: ['variables', 'cliente', 'ciudad'], rule: 'required' })]);
      expect(missing.body.error.details.variables).toEqual(['nombre', 'cliente.ciudad']);

      const broken = await api('post', '/whatsapp/templates/preview').send({ data: { body: 'Hola {{#if nombre}} sin cerrar', variables: {} } }).expect(422);
      expect(broken.body.error.details.errors).toEqual([expect.objectContaining({ path: ['body'], rule: 'template-syntax' })]);

      await api('post', '/whatsapp/templates/preview').send({ data: { variables: {} } }).expect(400);
      await api('post', '/whatsapp/templates/preview').send({ data: { body: 'x', other: 1 } }).expect(400);
    });

    it('previews a saved template with a draft body in place of the stored one; nothing is written', async () => {
      const stored = await api('post', `/whatsapp/templates/${template.id}/preview`).send({ data: { variables: { nombre: 'Ana', pedido: 'P-1' } } }).expect(200);
      expect(stored.body.data).toMatchObject({ text: 'Hola Ana, su pedido P-1 está listo.', variables: ['nombre', 'pedido'] });
      const draft = await api('post', `/whatsapp/templates/${template.id}/preview`).send({ data: { body: 'Adiós {{nombre}}', variables: { nombre: 'Ana' } } }).expect(200);
      expect(draft.body.data).toMatchObject({ text: 'Adiós Ana', variables: ['nombre'] });
      expect((await api('get', `/whatsapp/templates/${template.id}`).expect(200)).body.data.body).toBe('Hola {{nombre}}, su pedido {{pedido}} está listo.');
    });

    it('an administrator without the templates permission gets 403', async () => {
      await api('get', `/whatsapp/templates/${template.id}`, editor).expect(403);
      await api('post', '/whatsapp/templates/preview', editor).send({ data: { body: 'x' } }).expect(403);
    });
  });
});
