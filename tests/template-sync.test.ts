/**
 * Template approval sync against the fake Meta (WhatsApp Business Management API, cursor-paged
 * `message_templates`) and the fake Twilio Content API (paged `/v1/Content`, one
 * `ApprovalRequests` per content), sandbox off: what each provider says is stored on our
 * templates, provider templates nobody mapped appear, a template that is not approved is not
 * sent (422 naming it and why), Meta's three template webhooks apply at once (status → campaigns
 * paused; quality; category → ours changes and staff are alerted), and a provider that fails
 * says so and changes nothing.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { uniqueMexicanNumber } from './helpers/factories';
import { waitFor } from './helpers/wait';
import { UID, snapshot } from './helpers/whatsapp';
import { postMeta, settleWebhooks } from './helpers/webhooks';
import { metaTemplateRecord, startFakes, twilioContentRecord, type Fakes, type MetaTemplateRecord } from './fakes';

const WABA = '102290129340398';
const HX_CITA = 'HX0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a';
const HX_NUEVA = 'HX0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b';
const HX_BORRADOR = 'HX0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c';

/** Meta's account as WhatsApp Manager shows it: one template we map, four nobody mapped yet. */
const META_TEMPLATES: MetaTemplateRecord[] = [
  metaTemplateRecord({ id: '806312974732579', name: 'aviso_servicio', body: 'Hola {{1}}, su servicio está listo.' }),
  metaTemplateRecord({
    id: '546151681022936',
    name: 'promo_navidad',
    category: 'MARKETING',
    status: 'REJECTED',
    rejected_reason: 'INVALID_FORMAT',
    quality_score: { score: 'UNKNOWN' },
    body: 'Hola {{1}}, usa el código {{2}} esta Navidad.',
  }),
  metaTemplateRecord({
    id: '546151681022937',
    name: 'pago_recibido',
    parameter_format: 'NAMED',
    status: 'PENDING',
    body: 'Gracias {{nombre}}, recibimos tu pago de {{monto}}.',
  }),
  metaTemplateRecord({
    id: '546151681022938',
    name: 'factura',
    language: 'en_US',
    components: [
      { type: 'HEADER', format: 'DOCUMENT' },
      { type: 'BODY', text: 'Your invoice {{1}} is attached.' },
    ],
  }),
  metaTemplateRecord({ id: '546151681022939', name: 'ya_borrada', status: 'PENDING_DELETION' }),
];

describe('template approval sync (Meta and Twilio)', () => {
  let app: TestApp;
  let fakes: Fakes;
  let admin: string;
  let token: string;

  const templateRow = (name: string) => app.strapi.db.query(UID.template as any).findOne({ where: { name } });
  const approvalsOf = async (name: string) => {
    const row = await templateRow(name);
    return typeof row.approvals === 'string' ? JSON.parse(row.approvals) : row.approvals;
  };
  const sync = () => app.http().post('/whatsapp/templates/sync').set('Authorization', admin);
  const send = (data: Record<string, unknown>) => app.http().post('/api/whatsapp/messages').set('Authorization', token).send({ data });
  const allTemplates = async () =>
    (await app.strapi.db.query(UID.template as any).findMany({ orderBy: { id: 'asc' } })).map((t: any) => ({
      ...t,
      approvals: typeof t.approvals === 'string' ? JSON.parse(t.approvals) : t.approvals,
      updatedAt: new Date(t.updatedAt).getTime(),
    }));
  const templateChange = (field: string, value: Record<string, unknown>) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: WABA, time: Math.floor(Date.now() / 1000), changes: [{ field, value }] }],
  });
  const webhookEvents = (kind: string) => app.strapi.db.query(UID.webhookEvent as any).findMany({ where: { kind }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'false' } });
    admin = await createAdminJwt(app);
    token = await createApiToken(app.strapi);
    const create = (data: Record<string, unknown>) => app.http().post('/api/whatsapp/templates').set('Authorization', token).send({ data }).expect(201);
    await create({ name: 'aviso', category: 'utility', body: 'Hola {{nombre}}, su servicio está listo.', metaName: 'aviso_servicio', metaLanguage: 'es_MX', metaParameters: ['nombre'] });
    await create({ name: 'huerfana', category: 'utility', body: 'Hola {{nombre}}', metaName: 'ya_no_existe', metaLanguage: 'es_MX' });
    await create({ name: 'cita_twilio', category: 'utility', body: 'Hola {{nombre}}, su cita es mañana.', twilioContentSid: HX_CITA, twilioVariables: { 1: 'nombre' } });
    await create({ name: 'local', category: 'utility', body: 'Solo aquí, {{nombre}}' });
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it('syncs every page of Meta’s templates and Twilio’s contents: approvals stored, new ones created, a vanished one NOT_FOUND', async () => {
    fakes.meta.setTemplates(META_TEMPLATES, { pageSize: 2 });
    fakes.twilio.setContents(
      [
        twilioContentRecord({ sid: HX_CITA, name: 'cita_taller', body: 'Hola {{1}}, su cita es mañana.', approval: { status: 'rejected', rejection_reason: 'The template starts with a variable', category: 'UTILITY' } }),
        twilioContentRecord({ sid: HX_NUEVA, name: 'bienvenida', body: 'Bienvenido {{1}} a {{2}}', approval: { category: 'MARKETING' } }),
        twilioContentRecord({ sid: HX_BORRADOR, name: 'borrador', body: 'Sin enviar', approval: null }),
      ],
      { pageSize: 2 }
    );

    const res = await sync().expect(200);
    expect(res.body.data.results).toEqual([
      expect.objectContaining({ provider: 'meta', outcome: 'synced', listed: 5, created: 3, updated: 1, missing: 1, skipped: [], categoryChanges: 0 }),
      expect.objectContaining({ provider: 'twilio', outcome: 'synced', listed: 3, created: 1, updated: 1, missing: 0, skipped: [] }),
    ]);

    // Every page was read, following Graph's cursors and Twilio's next_page_url.
    const listings = fakes.meta.requests.filter((r) => r.path === `/v21.0/${WABA}/message_templates`);
    expect(listings).toHaveLength(3);
    expect(listings.map((r) => r.headers.authorization)).toEqual(Array(3).fill('Bearer test-meta-token'));
    const contentPages = fakes.twilio.requests.filter((r) => r.path === '/v1/Content');
    expect(contentPages).toHaveLength(2);
    expect(fakes.twilio.requests.filter((r) => r.path.endsWith('/ApprovalRequests'))).toHaveLength(3);

    // Mapped: the approval as Meta reports it; what staff wrote is kept.
    const aviso = await templateRow('aviso');
    expect(aviso).toMatchObject({ body: 'Hola {{nombre}}, su servicio está listo.', category: 'utility', active: true });
    expect((await approvalsOf('aviso')).meta).toEqual({
      id: '806312974732579',
      status: 'APPROVED',
      reason: null,
      quality: 'GREEN',
      category: 'UTILITY',
      event: null,
      syncedAt: res.body.data.at,
      updatedAt: res.body.data.at,
    });
    // Nobody had mapped them: created so staff see them, active only when approved, body from the components.
    expect(await templateRow('promo_navidad')).toMatchObject({
      category: 'marketing',
      language: 'es_MX',
      active: false,
      body: 'Hola {{variable_1}}, usa el código {{variable_2}} esta Navidad.',
      metaName: 'promo_navidad',
      metaLanguage: 'es_MX',
      metaParameters: ['variable_1', 'variable_2'],
      metaParameterFormat: 'positional',
    });
    expect((await approvalsOf('promo_navidad')).meta).toMatchObject({ status: 'REJECTED', reason: 'INVALID_FORMAT', quality: 'UNKNOWN', category: 'MARKETING' });
    expect(await templateRow('pago_recibido')).toMatchObject({ body: 'Gracias {{nombre}}, recibimos tu pago de {{monto}}.', metaParameterFormat: 'named', metaParameters: ['nombre', 'monto'], active: false });
    expect(await templateRow('factura')).toMatchObject({ language: 'en_US', mediaHeader: 'document', active: true });
    expect(await templateRow('ya_borrada')).toBeNull();
    expect((await approvalsOf('huerfana')).meta).toMatchObject({ status: 'NOT_FOUND', reason: 'Meta lists no template ya_no_existe (es_MX)' });
    expect(await approvalsOf('local')).toBeNull();
    // Twilio: the mapped content's approval; a new approved one created with its variables; one never submitted left out.
    expect((await approvalsOf('cita_twilio')).twilio).toMatchObject({ id: HX_CITA, status: 'REJECTED', reason: 'The template starts with a variable', quality: null, category: 'UTILITY' });
    expect(await templateRow('bienvenida')).toMatchObject({ active: true, category: 'marketing', twilioContentSid: HX_NUEVA, twilioVariables: { 1: 'variable_1', 2: 'variable_2' }, body: 'Bienvenido {{variable_1}} a {{variable_2}}' });
    expect(await templateRow('borrador')).toBeNull();

    // The admin list shows them.
    const listed = await app.http().get('/whatsapp/templates').set('Authorization', admin).query({ pageSize: 100 }).expect(200);
    expect(listed.body.data.find((t: any) => t.name === 'promo_navidad')).toMatchObject({ approvals: { meta: { status: 'REJECTED', reason: 'INVALID_FORMAT' } }, categoryAlert: null });

    // Again: nothing new, nothing changed but the time it was read.
    const before = await allTemplates();
    const again = await sync().expect(200);
    expect(again.body.data.results.map((r: any) => [r.provider, r.created, r.updated, r.missing])).toEqual([
      ['meta', 0, 0, 0],
      ['twilio', 0, 0, 0],
    ]);
    const after = await allTemplates();
    expect(after.map((t: any) => [t.name, t.approvals?.meta?.status ?? null, t.approvals?.meta?.updatedAt ?? null])).toEqual(
      before.map((t: any) => [t.name, t.approvals?.meta?.status ?? null, t.approvals?.meta?.updatedAt ?? null])
    );
    expect((await approvalsOf('aviso')).meta.syncedAt).toBe(again.body.data.at);

    // The REST API has it too, for the business's own code.
    await app.http().post('/api/whatsapp/templates/sync').set('Authorization', token).expect(200);
  });

  it('refuses to send a template the provider has not approved: 422 naming template and the reason, nothing written', async () => {
    const phone = uniqueMexicanNumber().e164;
    const before = await snapshot(app.strapi);
    // Created inactive by the sync while Meta reviews it: the refusal says why.
    const refused = await send({ to: phone, template: 'pago_recibido', variables: { nombre: 'Ana', monto: '$100' } }).expect(422);
    expect(refused.body.error.message).toBe('Template "pago_recibido" is not approved by Meta: it is pending');
    expect(refused.body.error.details.errors).toEqual([expect.objectContaining({ path: ['template'], rule: 'not-approved' })]);
    const twilio = await send({ to: phone, sender: 'twilio', template: 'cita_twilio', variables: { nombre: 'Ana' } }).expect(422);
    expect(twilio.body.error.message).toBe('Template "cita_twilio" is not approved by Twilio: it is rejected (The template starts with a variable)');
    const vanished = await send({ to: phone, template: 'huerfana', variables: { nombre: 'Ana' } }).expect(422);
    expect(vanished.body.error.message).toMatch(/not approved by Meta: it is not found \(Meta lists no template ya_no_existe/);
    expect(await snapshot(app.strapi)).toEqual(before);

    // Approved, or never reported by any provider: sent as before.
    const sent = await send({ to: phone, template: 'aviso', variables: { nombre: 'Ana' } }).expect(201);
    await waitFor(async () => fakes.meta.sent.find((m) => m.payload.template?.name === 'aviso_servicio') ?? null);
    expect(sent.body.data.template).toBe('aviso');
  });

  it('applies message_template_status_update at once: PAUSED pauses the running campaign and the template; REINSTATED sends again', async () => {
    const phones = [uniqueMexicanNumber().e164, uniqueMexicanNumber().e164];
    for (const phone of phones) await app.http().post('/api/whatsapp/contacts').set('Authorization', token).send({ data: { phone, name: 'Cliente' } }).expect(201);
    const created = await app
      .http()
      .post('/api/whatsapp/campaigns')
      .set('Authorization', token)
      .send({ data: { name: 'Servicio', template: 'aviso', audience: { kind: 'phones', phones }, variables: { nombre: 'contact.name' }, pacingSeconds: 3600 } })
      .expect(201);
    const id = created.body.data.id;
    await app.http().post(`/api/whatsapp/campaigns/${id}/launch`).set('Authorization', token).expect(202);
    await waitFor(async () => ((await app.strapi.db.query(UID.campaign as any).findOne({ where: { id } })).state === 'running' ? true : null));

    const paused = templateChange('message_template_status_update', {
      event: 'PAUSED',
      message_template_id: 806312974732579,
      message_template_name: 'aviso_servicio',
      message_template_language: 'es_MX',
      reason: 'NONE',
      message_template_category: 'UTILITY',
      other_info: { title: 'FIRST_PAUSE', description: 'Your WhatsApp message template has been paused for 3 hours due to low quality.' },
    });
    await postMeta(app, paused).expect(200);
    await settleWebhooks(app.strapi);

    const campaign = await app.strapi.db.query(UID.campaign as any).findOne({ where: { id } });
    expect(campaign).toMatchObject({
      state: 'paused',
      pausedReason: 'Meta paused the template aviso_servicio (es_MX): Your WhatsApp message template has been paused for 3 hours due to low quality.',
    });
    expect((await approvalsOf('aviso')).meta).toMatchObject({ status: 'PAUSED', reason: 'Your WhatsApp message template has been paused for 3 hours due to low quality.', event: 'PAUSED' });
    expect((await webhookEvents('template-status')).map((e: any) => e.outcome)).toEqual(['applied']);
    const refused = await send({ to: phones[0], template: 'aviso', variables: { nombre: 'Ana' } }).expect(422);
    expect(refused.body.error.message).toBe('Template "aviso" is not approved by Meta: it is paused (Your WhatsApp message template has been paused for 3 hours due to low quality.)');
    // Resuming waits for Meta.
    const resume = await app.http().post(`/api/whatsapp/campaigns/${id}/resume`).set('Authorization', token).expect(422);
    expect(resume.body.error.details.errors).toEqual([expect.objectContaining({ path: ['template'], rule: 'not-approved' })]);

    await postMeta(app, templateChange('message_template_status_update', { event: 'REINSTATED', message_template_id: 806312974732579, message_template_name: 'aviso_servicio', message_template_language: 'es_MX', reason: 'NONE' })).expect(200);
    await settleWebhooks(app.strapi);
    expect((await approvalsOf('aviso')).meta).toMatchObject({ status: 'APPROVED', reason: null, event: 'REINSTATED' });
    await send({ to: phones[0], template: 'aviso', variables: { nombre: 'Ana' } }).expect(201);
    await app.http().post(`/api/whatsapp/campaigns/${id}/cancel`).set('Authorization', token).expect(200);
  });

  it('applies message_template_quality_update: the score stored; a template we do not have is kept as unmatched', async () => {
    await postMeta(
      app,
      templateChange('message_template_quality_update', { previous_quality_score: 'GREEN', new_quality_score: 'YELLOW', message_template_id: 806312974732579, message_template_name: 'aviso_servicio', message_template_language: 'es_MX' })
    ).expect(200);
    await postMeta(app, templateChange('message_template_quality_update', { previous_quality_score: 'GREEN', new_quality_score: 'RED', message_template_id: 1, message_template_name: 'de_otro', message_template_language: 'es_MX' })).expect(200);
    await settleWebhooks(app.strapi);
    expect((await approvalsOf('aviso')).meta).toMatchObject({ quality: 'YELLOW', status: 'APPROVED' });
    expect((await webhookEvents('template-quality')).map((e: any) => e.outcome)).toEqual(['applied', 'unmatched']);
  });

  it('applies template_category_update: utility → marketing changes ours (price, consent) and alerts staff until dismissed; an announced change alerts only', async () => {
    const phone = uniqueMexicanNumber().e164;
    await app.http().post('/api/whatsapp/contacts').set('Authorization', token).send({ data: { phone, name: 'Sin consentimiento' } }).expect(201);
    const audits = await app.strapi.db.query(UID.auditEntry as any).count({});

    await postMeta(
      app,
      templateChange('template_category_update', { message_template_id: 806312974732579, message_template_name: 'aviso_servicio', message_template_language: 'es_MX', previous_category: 'UTILITY', new_category: 'MARKETING' })
    ).expect(200);
    await settleWebhooks(app.strapi);

    const aviso = await templateRow('aviso');
    expect(aviso.category).toBe('marketing');
    const alert = typeof aviso.categoryAlert === 'string' ? JSON.parse(aviso.categoryAlert) : aviso.categoryAlert;
    expect(alert).toMatchObject({ provider: 'meta', from: 'utility', to: 'marketing', pending: false, effectiveAt: null });
    expect((await approvalsOf('aviso')).meta.category).toBe('MARKETING');
    const [audit] = await app.strapi.db.query(UID.auditEntry as any).findMany({ orderBy: { id: 'desc' }, limit: 1 });
    expect(audit).toMatchObject({ action: 'template.category-changed', actorEmail: 'meta', before: { template: 'aviso', category: 'utility' }, after: { template: 'aviso', category: 'marketing' } });
    expect(await app.strapi.db.query(UID.auditEntry as any).count({})).toBe(audits + 1);
    // Marketing now: a contact without marketing consent is refused.
    const refused = await send({ to: phone, template: 'aviso', variables: { nombre: 'Ana' } }).expect(422);
    expect(refused.body.error.details.errors).toEqual([expect.objectContaining({ path: ['to'], rule: 'consent' })]);
    // The list shows the alert until staff dismiss it.
    const listed = await app.http().get('/whatsapp/templates').set('Authorization', admin).query({ filters: { search: 'aviso' } }).expect(200);
    expect(listed.body.data[0].categoryAlert).toMatchObject({ from: 'utility', to: 'marketing' });
    const dismissed = await app.http().delete(`/whatsapp/templates/${aviso.id}/category-alert`).set('Authorization', admin).expect(200);
    expect(dismissed.body.data).toMatchObject({ category: 'marketing', categoryAlert: null });

    // Announced 24 hours ahead: staff are alerted, ours changes when Meta changes it.
    await postMeta(
      app,
      templateChange('template_category_update', {
        message_template_id: 546151681022938,
        message_template_name: 'factura',
        message_template_language: 'en_US',
        correct_category: 'MARKETING',
        new_category: 'UTILITY',
        category_update_timestamp: 1760711433,
      })
    ).expect(200);
    await settleWebhooks(app.strapi);
    const factura = await templateRow('factura');
    expect(factura.category).toBe('utility');
    expect(typeof factura.categoryAlert === 'string' ? JSON.parse(factura.categoryAlert) : factura.categoryAlert).toMatchObject({ to: 'marketing', pending: true, effectiveAt: '2025-10-17T14:30:33.000Z' });
    expect((await webhookEvents('template-category')).map((e: any) => e.outcome)).toEqual(['applied', 'applied']);
  });

  it('a provider that refuses (401) or fails (500, on any page) is a 502 saying so, and changes nothing', async () => {
    const before = await allTemplates();
    const audits = await app.strapi.db.query(UID.auditEntry as any).count({});
    // Meta's token is refused; Twilio answers a 500 page.
    fakes.meta.failNext({ status: 401, code: 190, type: 'OAuthException', message: 'Invalid OAuth access token - Cannot parse access token' });
    fakes.twilio.failNextRaw({ status: 500, body: '<html><body>Internal Server Error</body></html>', contentType: 'text/html' });
    const refused = await sync().expect(502);
    expect(refused.body.error.message).toMatch(/^Meta refused the template list \(HTTP 401: \(#190\) Invalid OAuth access token - Cannot parse access token.*\); check META_ACCESS_TOKEN .*; Twilio refused the Content template list \(HTTP 500/);
    expect(refused.body.error.details.errors).toEqual([expect.objectContaining({ path: ['provider'], rule: 'provider-error' })]);
    expect(refused.body.error.details.results.map((r: any) => [r.provider, r.outcome])).toEqual([
      ['meta', 'failed'],
      ['twilio', 'failed'],
    ]);

    // Page 1 reads, page 2 fails: nothing of page 1 is applied either (the category below would change).
    fakes.meta.setTemplates(
      [metaTemplateRecord({ id: '806312974732579', name: 'aviso_servicio', category: 'UTILITY', status: 'DISABLED' }), metaTemplateRecord({ name: 'otra_mas' })],
      { pageSize: 1 }
    );
    fakes.twilio.setContents([]);
    fakes.meta.delayNext(1);
    fakes.meta.failNext({ status: 500, code: 2, type: 'OAuthException', message: 'An unexpected error has occurred. Please retry your request later.' });
    const half = await sync().expect(502);
    expect(half.body.error.message).toMatch(/^Meta refused the template list \(HTTP 500/);
    expect(half.body.error.details.results.map((r: any) => [r.provider, r.outcome])).toEqual([
      ['meta', 'failed'],
      ['twilio', 'synced'],
    ]);
    const after = await allTemplates();
    expect(after.map((t: any) => [t.name, t.category, t.active, t.approvals?.meta ?? null])).toEqual(before.map((t: any) => [t.name, t.category, t.active, t.approvals?.meta ?? null]));
    expect(await app.strapi.db.query(UID.auditEntry as any).count({})).toBe(audits);
  });

  it('the scheduled sync runs only outside sandbox mode; only staff who manage templates may sync', async () => {
    fakes.reset();
    fakes.meta.setTemplates(META_TEMPLATES);
    const templateSync = app.strapi.plugin('whatsapp').service('templateSync');
    await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { sandbox: true } }).expect(200);
    expect(await templateSync.syncScheduled()).toBeNull();
    expect(fakes.meta.requests.filter((r) => r.path.endsWith('/message_templates'))).toHaveLength(0);
    await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { sandbox: false } }).expect(200);
    const scheduled = await templateSync.syncScheduled();
    expect(scheduled.results.map((r: any) => [r.provider, r.outcome])).toEqual([
      ['meta', 'synced'],
      ['twilio', 'synced'],
    ]);
    expect(fakes.meta.requests.filter((r) => r.path.endsWith('/message_templates'))).toHaveLength(1);

    const editor = await createAdminJwt(app, 'strapi-editor');
    await app.http().post('/whatsapp/templates/sync').set('Authorization', editor).expect(403);
    await app.http().post('/api/whatsapp/templates/sync').expect(403);
  });
});
