/**
 * Small truths a newcomer trips on: PUBLIC_URL follows PORT when unset; GraphQL serves no landing
 * page (it would load outside assets); the README's GraphQL examples run as written.
 */
import fs from 'fs';
import path from 'path';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createApiToken } from './helpers/auth';
import { createCitaTemplate } from './helpers/factories';
import { waitForStatus } from './helpers/whatsapp';
import { startFakes, type Fakes } from './fakes';

describe('PUBLIC_URL unset: the address the app listens on, not 1337', () => {
  let app: TestApp;
  let fakes: Fakes;

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'false', PUBLIC_URL: '', PORT: '4321' } });
    await app.strapi.plugin('whatsapp').service('templates').create({
      name: 'listo',
      category: 'utility',
      body: 'Hola {{nombre}}, su vehículo está listo.',
      twilioContentSid: 'HX0123456789abcdef0123456789abcdef',
      twilioVariables: { '1': 'nombre' },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it("Strapi's admin link, the media links and Twilio's status callback all use PORT", async () => {
    expect(app.strapi.config.get('admin.absoluteUrl')).toMatch(/:4321\/admin$/);
    expect(app.strapi.plugin('whatsapp').service('media').publicUrl(1)).toMatch(/^http:\/\/localhost:4321\/api\/whatsapp\/media\//);

    const token = await createApiToken(app.strapi);
    const res = await app
      .http()
      .post('/api/whatsapp/messages')
      .set('Authorization', token)
      .send({ data: { to: '+5491123456789', sender: 'twilio', template: 'listo', variables: { nombre: 'Lucas' } } })
      .expect(201);
    const [sent] = await fakes.twilio.waitForSent(1);
    await waitForStatus(app.strapi, res.body.data.id, ['sent']);
    expect(new URL(sent.statusCallback!).origin).toBe('http://localhost:4321');
  });
});

describe('GraphQL', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
    await createCitaTemplate(app, token);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('serves no landing page to a browser (it would load scripts from outside hosts)', async () => {
    const res = await app.http().get('/graphql').set('Accept', 'text/html');
    expect(res.headers['content-type'] ?? '').not.toMatch(/text\/html/);
    expect(res.text).not.toMatch(/<script|<html|apollographql\.com/i);
  });

  it("runs the README's GraphQL examples exactly as written", async () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const query of examples) {
      const res = await app.http().post('/graphql').set('Authorization', token).send({ query });
      expect({ query, errors: res.body.errors }).toEqual({ query, errors: undefined });
      expect(res.status).toBe(200);
      if (query.startsWith('mutation')) {
        expect(res.body.data.sendWhatsAppMessage).toMatchObject({ status: 'queued', to: '+525512345678', created: true });
        await waitForStatus(app.strapi, res.body.data.sendWhatsAppMessage.id, ['sent']);
      } else {
        expect(res.body.data.whatsappMessages).toEqual([expect.objectContaining({ documentId: expect.any(String), status: 'sent', to: '+525512345678' })]);
      }
    }
  });
});
