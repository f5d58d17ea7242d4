/**
 * Campaigns: audiences (marketing consent, tags, a list of numbers, a live query over a business
 * type), exclusions counted with their reason, one personalised message per recipient, launched
 * once, paused / resumed / cancelled, stats from grouped queries and a CSV export safe to open in a
 * spreadsheet. Sandbox mode: the message rows are what is asserted.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { uniqueMexicanNumber } from './helpers/factories';
import { waitFor } from './helpers/wait';
import { UID } from './helpers/whatsapp';
import { asText } from './helpers/text';
import { metaPayload, metaText, postMeta, settleWebhooks } from './helpers/webhooks';

describe('campaigns', () => {
  let app: TestApp;
  let token: string;
  const api = (method: 'get' | 'post' | 'put', path: string, data?: unknown) => {
    const req = app.http()[method](path).set('Authorization', token);
    return data === undefined ? req : req.send({ data });
  };
  const contact = async (data: Record<string, unknown>) => {
    const res = await api('post', '/api/whatsapp/contacts', data);
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
    return res.body.data;
  };
  const messagesOf = (campaignId: number) => app.strapi.db.query(UID.message as any).findMany({ where: { campaignId }, orderBy: { id: 'asc' } });
  const settled = (id: number, states = ['running', 'completed', 'scheduled']) =>
    waitFor(async () => {
      const res = await api('get', `/api/whatsapp/campaigns/${id}`);
      return states.includes(res.body.data.state) ? res.body.data : null;
    });

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
    await api('post', '/api/whatsapp/templates', { name: 'promo_diciembre', category: 'marketing', body: 'Hola {{nombre}}, este diciembre tu servicio {{servicio}} con 20 % de descuento.' }).expect(201);
    await api('post', '/api/whatsapp/templates', { name: 'aviso_servicio', category: 'utility', body: 'Hola {{nombre}}, tu vehículo {{placa}} tiene servicio pendiente.' }).expect(201);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('to everyone with marketing consent: one personalised message each, the others counted out with their reason; launching twice queues nothing more', async () => {
    const tag = `dic-${Date.now()}`;
    const ana = await contact({ phone: uniqueMexicanNumber().e164, name: 'Ana', tags: [tag] });
    const luis = await contact({ phone: uniqueMexicanNumber().e164, name: 'Luis', tags: [tag] });
    const sinConsentimiento = await contact({ phone: uniqueMexicanNumber().e164, name: 'Pedro', tags: [tag] });
    for (const c of [ana, luis]) await api('post', `/api/whatsapp/contacts/${c.id}/consent`, { purpose: 'marketing', granted: true, method: 'form', evidence: 'mostrador' }).expect(201);
    // Luis opts out afterwards: consent revoked in the ledger.
    await api('post', `/api/whatsapp/contacts/${luis.id}/consent`, { purpose: 'marketing', granted: false, method: 'form', evidence: 'llamada' }).expect(201);

    const created = await api('post', '/api/whatsapp/campaigns', {
      name: 'Promoción de diciembre',
      template: 'promo_diciembre',
      audience: { kind: 'tags', tags: [tag] },
      variables: { nombre: 'contact.name', servicio: { value: 'de afinación' } },
    });
    expect({ status: created.status, error: created.body.error }).toEqual({ status: 201, error: undefined });
    expect(created.body.data.state).toBe('draft');
    const id = created.body.data.id;

    const launched = await api('post', `/api/whatsapp/campaigns/${id}/launch`);
    expect(launched.status).toBe(202);
    const campaign = await settled(id);
    // Pedro never consented; Luis withdrew his consent (an opt-out).
    expect(campaign.excluded).toEqual({ 'no-consent': 1, 'opted-out': 1 });

    const messages = await messagesOf(id);
    expect(messages.map((m: any) => [m.to, m.body])).toEqual([[ana.phone, 'Hola Ana, este diciembre tu servicio de afinación con 20 % de descuento.']]);
    expect(messages[0]).toMatchObject({ templateName: 'promo_diciembre', category: 'marketing', idempotencyKey: `campaign:${id}:${ana.id}` });
    void sinConsentimiento;

    const again = await api('post', `/api/whatsapp/campaigns/${id}/launch`);
    expect(again.status).toBe(409);
    expect(again.body.error.details.errors[0]).toMatchObject({ path: ['state'], rule: 'launched' });
    expect(await messagesOf(id)).toHaveLength(1);

    // Sent by the sandbox, then completed; the stats say so from grouped counts.
    await settled(id, ['completed']);
    const stats = await api('get', `/api/whatsapp/campaigns/${id}/stats`).expect(200);
    expect(stats.body.data).toMatchObject({ state: 'completed', audience: 3, excluded: { 'no-consent': 1, 'opted-out': 1 }, messages: 1, sent: 1, waiting: 0, failed: 0 });
  });

  it('a list of numbers: invalid and repeated numbers are counted out; a utility template needs no marketing consent', async () => {
    const first = uniqueMexicanNumber();
    await contact({ phone: first.e164, name: 'Rosa' });
    const created = await api('post', '/api/whatsapp/campaigns', {
      name: 'Aviso de servicio',
      template: 'aviso_servicio',
      audience: { kind: 'phones', phones: [first.national, first.e164, '123', uniqueMexicanNumber().e164] },
      variables: { nombre: 'contact.name', placa: { value: 'su vehículo' } },
    }).expect(201);
    const id = created.body.data.id;
    await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
    const campaign = await settled(id);
    // The unknown number has no contact: a campaign only writes to people already in the contacts.
    expect(campaign.excluded).toEqual({ duplicate: 1, 'invalid-phone': 1, 'no-consent': 1 });
    expect((await messagesOf(id)).map((m: any) => m.body)).toEqual(['Hola Rosa, tu vehículo su vehículo tiene servicio pendiente.']);
  });

  it('a list longer than a fan-out round (2,000): a number repeated in the next round is one message and one duplicate', async () => {
    // The next round is prepared while the first is written: the repeat must still be seen.
    const now = new Date();
    const numbers = Array.from({ length: 2100 }, () => uniqueMexicanNumber().e164);
    const rows = numbers.map((phone, i) => ({ phone, name: `Cliente ${i}`, locale: 'es-MX', createdAt: now, updatedAt: now }));
    for (let i = 0; i < rows.length; i += 500) await app.strapi.db.query(UID.contact as any).createMany({ data: rows.slice(i, i + 500) });
    const phones = [...numbers.slice(0, 2050), numbers[10], ...numbers.slice(2050), numbers[2060]];
    const created = await api('post', '/api/whatsapp/campaigns', {
      name: 'Aviso largo',
      template: 'aviso_servicio',
      audience: { kind: 'phones', phones },
      variables: { nombre: 'contact.name', placa: { value: 'su vehículo' } },
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
    }).expect(201);
    const id = created.body.data.id;
    await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
    const campaign = await settled(id, ['scheduled']);
    expect({ total: campaign.audienceRead, queued: campaign.queued, excluded: campaign.excluded }).toEqual({ total: 2102, queued: 2100, excluded: { duplicate: 2 } });
    const knex = app.strapi.db.connection;
    const table = app.strapi.db.metadata.get(UID.message as any).tableName;
    const counts = await knex(table).where('campaign_id', id).select(knex.raw('count(*) as n'), knex.raw('count(distinct contact_id) as d')).first();
    expect({ n: Number(counts.n), d: Number(counts.d) }).toEqual({ n: 2100, d: 2100 });
    await api('post', `/api/whatsapp/campaigns/${id}/cancel`).expect(200);
  });

  it('a live query over a business type (customers of one country), resolved at launch, with values from the record', async () => {
    const country = `Z${Math.floor(Math.random() * 9)}`;
    const a = uniqueMexicanNumber().e164;
    const b = uniqueMexicanNumber().e164;
    await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'Marta', phone: a, country } as any });
    await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'Iván', phone: b, country } as any });
    await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'Sin teléfono', phone: null, country } as any });
    await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'Otro país', phone: uniqueMexicanNumber().e164, country: 'XX' } as any });
    const created = await api('post', '/api/whatsapp/campaigns', {
      name: 'Servicio por país',
      template: 'aviso_servicio',
      audience: { kind: 'query', contentType: 'api::customer.customer', filters: { country: { $eq: country } }, phonePath: 'phone' },
      variables: { nombre: 'record.name', placa: { value: 'registrado' } },
    }).expect(201);
    const id = created.body.data.id;
    await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
    const campaign = await settled(id);
    expect(campaign.excluded).toEqual({ 'no-phone': 1 });
    const messages = await messagesOf(id);
    expect(messages.map((m: any) => [m.to, m.body]).sort()).toEqual(
      [
        [a, 'Hola Marta, tu vehículo registrado tiene servicio pendiente.'],
        [b, 'Hola Iván, tu vehículo registrado tiene servicio pendiente.'],
      ].sort()
    );
  });

  it('scheduled: paused and resumed, then cancelled with every unsent message in one go; a finished campaign cannot be paused', async () => {
    const phones = [uniqueMexicanNumber().e164, uniqueMexicanNumber().e164];
    for (const phone of phones) await contact({ phone, name: 'Cliente' });
    const created = await api('post', '/api/whatsapp/campaigns', {
      name: 'Mañana',
      template: 'aviso_servicio',
      audience: { kind: 'phones', phones },
      variables: { nombre: 'contact.name', placa: { value: 'X' } },
      scheduledAt: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
    }).expect(201);
    const id = created.body.data.id;
    await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
    expect((await settled(id, ['scheduled'])).queued).toBe(2);
    expect((await messagesOf(id)).map((m: any) => m.deliveryStatus)).toEqual(['scheduled', 'scheduled']);

    expect((await api('post', `/api/whatsapp/campaigns/${id}/pause`)).body.data).toMatchObject({ state: 'paused', pausedReason: 'Paused by staff' });
    expect((await api('post', `/api/whatsapp/campaigns/${id}/resume`)).body.data.state).toBe('running');
    const cancelled = await api('post', `/api/whatsapp/campaigns/${id}/cancel`).expect(200);
    expect(cancelled.body).toMatchObject({ data: { state: 'cancelled' }, meta: { messagesCancelled: 2 } });
    expect((await messagesOf(id)).map((m: any) => m.deliveryStatus)).toEqual(['cancelled', 'cancelled']);

    const pauseFinished = await api('post', `/api/whatsapp/campaigns/${id}/pause`);
    expect(pauseFinished.status).toBe(409);
    expect(pauseFinished.body.error.details.errors[0]).toMatchObject({ path: ['state'], rule: 'not-running' });
  });

  it('bad input is refused naming the field, and nothing is written', async () => {
    const before = await app.strapi.db.query(UID.campaign as any).count();
    const base = { name: 'x', template: 'aviso_servicio', audience: { kind: 'consent' }, variables: { nombre: 'contact.name', placa: { value: 'X' } } };
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ template: 'no-existe' }, 422, 'template', 'unknown'],
      [{ senderId: 999999 }, 422, 'senderId', 'unknown'],
      [{ scheduledAt: '2020-01-01T00:00:00Z' }, 422, 'scheduledAt', 'future'],
      [{ variables: { nombre: 'contact.name' } }, 422, 'variables.placa', 'unmapped'],
      [{ audience: { kind: 'query', contentType: 'api::nada.nada', phonePath: 'phone' } }, 422, 'audience.contentType', 'unknown'],
      [{ audience: { kind: 'query', contentType: 'api::customer.customer', phonePath: 'telefono' } }, 422, 'audience.phonePath', 'path'],
    ];
    for (const [change, status, path, rule] of cases) {
      const res = await api('post', '/api/whatsapp/campaigns', { ...base, ...change });
      expect({ path, status: res.status, got: res.body.error?.details?.errors?.[0]?.path?.join('.'), rule: res.body.error?.details?.errors?.[0]?.rule }).toEqual({ path, status, got: path, rule });
    }
    const shape = await api('post', '/api/whatsapp/campaigns', { ...base, audience: { kind: 'everyone' } });
    expect(shape.status).toBe(400);
    expect(await app.strapi.db.query(UID.campaign as any).count()).toBe(before);
  });

  it('the export is one CSV row per recipient, with formula cells made harmless', async () => {
    const phone = uniqueMexicanNumber().e164;
    await contact({ phone, name: '=HYPERLINK("http://evil.example","clic")' });
    // Every character OWASP lists as a formula start, in the names people type.
    const others = ['@SUM(1+1)*cmd|calc', '-2+3', '+52 evil'].map((name) => ({ name, phone: uniqueMexicanNumber().e164 }));
    for (const other of others) await contact(other);
    const created = await api('post', '/api/whatsapp/campaigns', {
      name: 'Export',
      template: 'aviso_servicio',
      audience: { kind: 'phones', phones: [phone, ...others.map((o) => o.phone)] },
      variables: { nombre: { value: 'cliente' }, placa: { value: 'X' } },
    }).expect(201);
    const id = created.body.data.id;
    await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
    await settled(id, ['completed']);
    const res = await app.http().get(`/api/whatsapp/campaigns/${id}/export`).set('Authorization', token).buffer(true).parse(asText);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = (res.body as string).replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('phone,name,status,queued_at,sent_at,delivered_at,read_at,failed_at,error_code,error,explanation,cost');
    expect(lines).toHaveLength(2 + others.length);
    // The name would be a formula, the number would lose its +: both start with an apostrophe
    // (a spreadsheet shows the text as typed).
    const rows = lines.slice(1).map((line) => line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/));
    const [number, name, status] = rows.find((cells) => cells[0] === `'${phone}`)!;
    expect([number, name, status]).toEqual([`'${phone}`, `"'=HYPERLINK(""http://evil.example"",""clic"")"`, 'sent']);
    for (const other of others) expect(rows.find((cells) => cells[0] === `'${other.phone}`)?.[1]).toBe(`'${other.name}`);
    // No cell of the file, quotes taken off, starts a formula.
    for (const cells of rows) for (const cell of cells) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r\0]/);
  });

  it("the sender's daily limit (its messaging tier): what is left today goes now, the rest tomorrow, and the stats say so", async () => {
    const sender = await app.strapi.db.query(UID.sender as any).findOne({ where: { provider: 'sandbox' } });
    const admin = await createAdminJwt(app);
    const cm = (data: Record<string, unknown>) => app.http().put(`/content-manager/collection-types/plugin::whatsapp.sender/${sender.documentId}`).set('Authorization', admin).send(data);
    const refused = await cm({ dailyLimit: 300 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.errors[0]).toMatchObject({ path: ['dailyLimit'], rule: 'tier' });
    await cm({ dailyLimit: 250 }).expect(200);
    try {
      const now = new Date();
      const contacts = Array.from({ length: 260 }, (_, i) => ({ phone: `+52559${String(1000000 + i).padStart(7, '0')}`, name: `Tier ${i}`, locale: 'es-MX', createdAt: now, updatedAt: now }));
      await app.strapi.db.query(UID.contact as any).createMany({ data: contacts });
      const created = await api('post', '/api/whatsapp/campaigns', {
        name: 'Más que el límite',
        template: 'aviso_servicio',
        audience: { kind: 'phones', phones: contacts.map((c) => c.phone) },
        variables: { nombre: 'contact.name', placa: { value: 'X' } },
        scheduledAt: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
      }).expect(201);
      const id = created.body.data.id;
      await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
      await settled(id, ['scheduled']);
      // Whatever this sender already started in the last 24 hours counts against today's 250.
      const messages = await messagesOf(id);
      const days = new Map<number, number>();
      const first = Math.min(...messages.map((m: any) => new Date(m.dueAt).getTime()));
      for (const m of messages) {
        const day = Math.round((new Date(m.dueAt).getTime() - first) / (24 * 3600_000));
        days.set(day, (days.get(day) ?? 0) + 1);
      }
      expect(messages).toHaveLength(260);
      expect([...days.keys()].sort()).toEqual([0, 1]);
      expect(days.get(0)).toBeLessThanOrEqual(250);
      expect(days.get(0)! + days.get(1)!).toBe(260);
      const stats = (await api('get', `/api/whatsapp/campaigns/${id}/stats`).expect(200)).body.data;
      expect(stats).toMatchObject({ dailyLimit: 250, daysNeeded: 2, waiting: 260 });
      // 260 waiting at the sender's rate (the days are in lastDueAt).
      expect(stats.estimatedSecondsLeft).toBe(Math.ceil(260 / sender.messagesPerSecond));
      await api('post', `/api/whatsapp/campaigns/${id}/cancel`).expect(200);
    } finally {
      await cm({ dailyLimit: null }).expect(200);
    }
  });

  it('replies and opt-outs after a campaign message count for the campaign', async () => {
    const a = uniqueMexicanNumber();
    const b = uniqueMexicanNumber();
    const c = uniqueMexicanNumber();
    for (const n of [a, b, c]) await contact({ phone: n.e164, name: 'Respuesta' });
    const created = await api('post', '/api/whatsapp/campaigns', {
      name: 'Respuestas',
      template: 'aviso_servicio',
      audience: { kind: 'phones', phones: [a.e164, b.e164, c.e164] },
      variables: { nombre: 'contact.name', placa: { value: 'X' } },
    }).expect(201);
    const id = created.body.data.id;
    await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
    await settled(id, ['completed']);
    // A answers; B answers "BAJA" (an opt-out keyword); C says nothing.
    await postMeta(app, metaPayload(metaText(a.waId, 'A', '¿A qué hora abren?'))).expect(200);
    await postMeta(app, metaPayload(metaText(b.waId, 'B', 'BAJA'))).expect(200);
    await settleWebhooks(app.strapi);
    await waitFor(async () => ((await app.strapi.db.query(UID.contact as any).findOne({ where: { phone: b.e164 } })).optedOutAt ? true : null));
    const stats = (await api('get', `/api/whatsapp/campaigns/${id}/stats`).expect(200)).body.data;
    expect(stats).toMatchObject({ messages: 3, replied: 2, optedOut: 1, replyWindowHours: 72 });

    // GraphQL reads the campaign and the same figures.
    const gql = await app
      .http()
      .post('/graphql')
      .set('Authorization', token)
      .send({ query: `{ whatsappCampaigns(filters: { name: { eq: "Respuestas" } }) { name state } whatsappCampaignStats(id: "${id}") }` })
      .expect(200);
    expect(gql.body.errors).toBeUndefined();
    expect(gql.body.data.whatsappCampaigns).toEqual([{ name: 'Respuestas', state: 'completed' }]);
    expect(gql.body.data.whatsappCampaignStats).toMatchObject({ messages: 3, replied: 2, optedOut: 1 });
  });
});
