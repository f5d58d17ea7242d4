/**
 * The campaign price table and cost: Meta's published rates as the seed, an estimate before
 * anything is sent (a scheduled campaign's stats), the table replaced by an administrator (the
 * estimate follows; bad rates are a 400 naming the field, nothing written), the spend growing as
 * Meta reports deliveries, and the export's `cost` column. Against the fake Meta Cloud API.
 *
 * Hand-computed from the seed (EUR, effective 2026-07-01), utility: Mexico 0.0071, Colombia
 * 0.0008, North America 0.0028, Other (Luxembourg is in no group) 0.0064.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { uniqueMexicanNumber } from './helpers/factories';
import { waitFor } from './helpers/wait';
import { UID } from './helpers/whatsapp';
import { asText } from './helpers/text';
import { startFakes, type Fakes } from './fakes';
import { metaPayload, metaStatus, postMeta, settleWebhooks } from './helpers/webhooks';

describe('campaign cost', () => {
  let app: TestApp;
  let fakes: Fakes;
  let token: string;
  const phones: string[] = [];
  const api = (method: 'get' | 'post' | 'put' | 'delete', path: string, data?: unknown) => {
    const req = app.http()[method](path).set('Authorization', token);
    return data === undefined ? req : req.send({ data });
  };
  const stateOf = async (id: number) => (await api('get', `/api/whatsapp/campaigns/${id}`)).body.data;
  const costOf = async (id: number) => (await api('get', `/api/whatsapp/campaigns/${id}/stats`).expect(200)).body.data.cost;
  const campaign = async (name: string, extra: Record<string, unknown> = {}) => {
    const created = await api('post', '/api/whatsapp/campaigns', { name, template: 'aviso', audience: { kind: 'phones', phones }, variables: { nombre: 'contact.name' }, ...extra }).expect(201);
    const id = created.body.data.id as number;
    await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
    return id;
  };

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'false' } });
    token = await createApiToken(app.strapi);
    await api('post', '/api/whatsapp/templates', { name: 'aviso', category: 'utility', body: 'Hola {{nombre}}, su servicio está listo.', metaName: 'aviso_servicio', metaLanguage: 'es_MX', metaParameters: ['nombre'] }).expect(201);
    // Three in Mexico, two in Colombia, one in the United States, one in Luxembourg.
    phones.push(uniqueMexicanNumber().e164, uniqueMexicanNumber().e164, uniqueMexicanNumber().e164, '+573001234567', '+573101234568', '+12024561111', '+352621123456');
    for (const [i, phone] of phones.entries()) await api('post', '/api/whatsapp/contacts', { phone, name: `Cliente ${i + 1}` }).expect(201);
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it("the table is Meta's published rates, dated and sourced, readable over REST and the admin API", async () => {
    const res = await api('get', '/api/whatsapp/settings/prices').expect(200);
    expect(res.body.data).toMatchObject({ currency: 'EUR', effectiveFrom: '2026-07-01', source: 'https://developers.facebook.com/docs/whatsapp/pricing', edited: false });
    expect(res.body.data.rates.MX).toEqual({ marketing: 0.0253, utility: 0.0071, authentication: 0.0071 });
    expect(res.body.data.rates.other).toEqual({ marketing: 0.05, utility: 0.0064, authentication: 0.0064 });
    const admin = await createAdminJwt(app);
    const viaAdmin = await app.http().get('/whatsapp/settings/prices').set('Authorization', admin).expect(200);
    expect(viaAdmin.body.data).toEqual(res.body.data);
  });

  it('a scheduled campaign carries the estimate before anything is sent; editing the table changes it', async () => {
    const id = await campaign('Estimado', { scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
    await waitFor(async () => ((await stateOf(id)).state === 'scheduled' ? true : null));
    // 3 × 0.0071 + 2 × 0.0008 + 0.0028 + 0.0064 = 0.0321
    expect(await costOf(id)).toEqual({
      currency: 'EUR',
      category: 'utility',
      categoryAssumed: false,
      ratesDate: '2026-07-01',
      estimated: 0.0321,
      spent: 0,
      estimateComplete: true,
      unpricedRecipients: 0,
      perCountry: [
        { country: 'MX', rate: 0.0071, recipients: 3, estimated: 0.0213, delivered: 0, spent: 0 },
        { country: 'LU', rate: 0.0064, recipients: 1, estimated: 0.0064, delivered: 0, spent: 0 },
        { country: 'US', rate: 0.0028, recipients: 1, estimated: 0.0028, delivered: 0, spent: 0 },
        { country: 'CO', rate: 0.0008, recipients: 2, estimated: 0.0016, delivered: 0, spent: 0 },
      ],
    });

    // The business's own rates (its BSP's, in dollars): the United States and Luxembourg pay `other`.
    const table = {
      currency: 'usd',
      effectiveFrom: '2026-11-01',
      source: 'Contrato con el BSP',
      rates: {
        MX: { marketing: 0.0305, utility: 0.0085, authentication: 0.0085 },
        CO: { marketing: 0.0125, utility: 0.0002, authentication: 0.0002 },
        other: { marketing: 0.06, utility: 0.01, authentication: 0.01 },
      },
    };
    const put = await api('put', '/api/whatsapp/settings/prices', table).expect(200);
    expect(put.body.data).toEqual({ ...table, currency: 'USD', edited: true });
    // 3 × 0.0085 + 2 × 0.0002 + 2 × 0.01 = 0.0459
    expect(await costOf(id)).toMatchObject({ currency: 'USD', ratesDate: '2026-11-01', estimated: 0.0459, spent: 0, unpricedRecipients: 0 });

    // Without `other`, the United States and Luxembourg have no price: counted, not guessed.
    await api('put', '/api/whatsapp/settings/prices', { currency: 'USD', effectiveFrom: '2026-11-02', rates: { MX: table.rates.MX, CO: table.rates.CO } }).expect(200);
    expect(await costOf(id)).toMatchObject({ estimated: 0.0259, unpricedRecipients: 2 });

    // Back to Meta's published rates.
    expect((await api('delete', '/api/whatsapp/settings/prices').expect(200)).body.data).toMatchObject({ currency: 'EUR', edited: false });
    expect(await costOf(id)).toMatchObject({ currency: 'EUR', estimated: 0.0321 });
    await api('post', `/api/whatsapp/campaigns/${id}/cancel`).expect(200);
    // Cancelled messages will not be charged.
    expect(await costOf(id)).toMatchObject({ estimated: 0, spent: 0, perCountry: [] });
  });

  it('a draft\'s estimate before launch: recipients, exclusions, cost, time and the first messages, with nothing written', async () => {
    const list = [...phones, phones[0], '123', uniqueMexicanNumber().e164];
    const created = await api('post', '/api/whatsapp/campaigns', { name: 'Borrador', template: 'aviso', audience: { kind: 'phones', phones: list }, variables: { nombre: 'contact.name' }, pacingSeconds: 0.5 }).expect(201);
    const id = created.body.data.id as number;
    const messagesBefore = await app.strapi.db.query(UID.message as any).count({});
    const contactsBefore = await app.strapi.db.query(UID.contact as any).count({});
    const res = await api('get', `/api/whatsapp/campaigns/${id}/estimate`).expect(200);
    expect(res.body.data).toMatchObject({
      campaign: id,
      audience: 10,
      recipients: 7,
      // The repeated number, the one that does not read, and a number that is not a contact.
      excluded: { duplicate: 1, 'invalid-phone': 1, 'no-consent': 1 },
      cost: { currency: 'EUR', category: 'utility', estimated: 0.0321, spent: 0, unpricedRecipients: 0 },
      // One every 0.5 s: 7 messages take 3.5 s.
      messagesPerSecond: 2,
      estimatedSeconds: 4,
      daysNeeded: 1,
      dailyLimit: null,
    });
    expect(res.body.data.sample).toEqual([
      { to: phones[0], body: 'Hola Cliente 1, su servicio está listo.' },
      { to: phones[1], body: 'Hola Cliente 2, su servicio está listo.' },
      { to: phones[2], body: 'Hola Cliente 3, su servicio está listo.' },
    ]);
    // Nothing written: no message, no contact, still a draft.
    expect(await app.strapi.db.query(UID.message as any).count({})).toBe(messagesBefore);
    expect(await app.strapi.db.query(UID.contact as any).count({})).toBe(contactsBefore);
    expect((await stateOf(id)).state).toBe('draft');
    // A launched campaign has stats instead.
    await api('post', `/api/whatsapp/campaigns/${id}/launch`).expect(202);
    const again = await api('get', `/api/whatsapp/campaigns/${id}/estimate`).expect(409);
    expect(again.body.error.details.errors[0]).toMatchObject({ path: ['state'], rule: 'launched' });
    await api('post', `/api/whatsapp/campaigns/${id}/cancel`);
  });

  it('bad rates are a 400 naming the field and the rule, and nothing is written', async () => {
    const before = (await api('get', '/api/whatsapp/settings/prices').expect(200)).body.data;
    const audits = await app.strapi.db.query(UID.auditEntry as any).count();
    const row = { marketing: 0.03, utility: 0.01, authentication: 0.01 };
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ currency: 'USD', rates: { MX: { ...row, marketing: -0.01 } } }, 'rates.MX.marketing', 'min'],
      [{ currency: 'USD', rates: { MX: { ...row, service: 0 } } }, 'rates.MX.service', 'category'],
      [{ currency: 'USD', rates: { XX: row } }, 'rates.XX', 'country'],
      [{ currency: 'USD', rates: { Mexico: row } }, 'rates.Mexico', 'country'],
      [{ currency: 'USD', rates: { MX: { ...row, utility: 'barato' } } }, 'rates.MX.utility', 'number'],
      [{ currency: 'USD', rates: { MX: { ...row, utility: '0.01' } } }, 'rates.MX.utility', 'number'],
      [{ currency: 'USD', rates: { MX: { ...row, utility: 0.00015 } } }, 'rates.MX.utility', 'decimals'],
      [{ currency: 'USD', rates: { MX: { marketing: 0.03, utility: 0.01 } } }, 'rates.MX.authentication', 'required'],
      [{ currency: 'DOLARES', rates: { MX: row } }, 'currency', 'format'],
      [{ currency: 'USD', effectiveFrom: '2026-02-31', rates: { MX: row } }, 'effectiveFrom', 'date'],
      [{ currency: 'USD' }, 'rates', 'required'],
      [{ currency: 'USD', rates: { MX: row }, tiers: [] }, 'tiers', 'unknown'],
    ];
    for (const [data, path, rule] of cases) {
      const res = await api('put', '/api/whatsapp/settings/prices', data);
      const error = res.body.error?.details?.errors?.[0];
      expect({ path, status: res.status, got: error?.path?.join('.'), rule: error?.rule }).toEqual({ path, status: 400, got: path, rule });
    }
    expect((await api('get', '/api/whatsapp/settings/prices').expect(200)).body.data).toEqual(before);
    expect(await app.strapi.db.query(UID.auditEntry as any).count()).toBe(audits);
    // Nor around the checks, through the general settings route.
    const admin = await createAdminJwt(app);
    const sideways = await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { priceTable: { currency: 'USD', rates: { MX: { ...row, marketing: -1 } } } } });
    expect({ status: sideways.status, path: sideways.body.error?.details?.errors?.[0]?.path }).toEqual({ status: 400, path: ['priceTable'] });
    expect((await api('get', '/api/whatsapp/settings/prices').expect(200)).body.data).toEqual(before);
  });

  it('the spend grows as Meta reports deliveries, and the export carries each charged message’s price', async () => {
    const id = await campaign('Gasto');
    await waitFor(async () => ((await stateOf(id)).state === 'completed' ? true : null), 20_000);
    const messages = await app.strapi.db.query(UID.message as any).findMany({ where: { campaignId: id }, orderBy: { id: 'asc' } });
    expect(messages.map((m: any) => [m.deliveryStatus, m.country])).toEqual([
      ['sent', 'MX'],
      ['sent', 'MX'],
      ['sent', 'MX'],
      ['sent', 'CO'],
      ['sent', 'CO'],
      ['sent', 'US'],
      ['sent', 'LU'],
    ]);
    // Sent is not charged: Meta charges on delivery.
    expect(await costOf(id)).toMatchObject({ estimated: 0.0321, spent: 0 });

    const report = async (index: number, status: 'delivered' | 'read') => {
      const m = messages[index];
      await postMeta(app, metaPayload({ statuses: [metaStatus(m.providerMessageId, status, { ourId: m.id, recipient: m.to.replace('+', '') })] })).expect(200);
      await settleWebhooks(app.strapi);
    };
    await report(0, 'delivered');
    expect(await costOf(id)).toMatchObject({ estimated: 0.0321, spent: 0.0071 });
    await report(3, 'delivered');
    await report(6, 'delivered');
    // Read without a delivered status first: it was delivered all the same.
    await report(5, 'read');
    // 0.0071 + 0.0008 + 0.0064 + 0.0028 = 0.0171
    const cost = await costOf(id);
    expect(cost).toMatchObject({ estimated: 0.0321, spent: 0.0171 });
    expect(cost.perCountry.find((c: any) => c.country === 'MX')).toEqual({ country: 'MX', rate: 0.0071, recipients: 3, estimated: 0.0213, delivered: 1, spent: 0.0071 });

    const res = await app.http().get(`/api/whatsapp/campaigns/${id}/export`).set('Authorization', token).buffer(true).parse(asText);
    expect(res.status).toBe(200);
    const lines = (res.body as string).replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0].split(',').pop()).toBe('cost');
    const rows = lines.slice(1).map((line) => line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/));
    expect(rows.map((cells) => [cells[0].replace(/^'/, ''), cells[2], cells[cells.length - 1]])).toEqual([
      [phones[0], 'delivered', '0.0071'],
      [phones[1], 'sent', ''],
      [phones[2], 'sent', ''],
      [phones[3], 'delivered', '0.0008'],
      [phones[4], 'sent', ''],
      [phones[5], 'read', '0.0028'],
      [phones[6], 'delivered', '0.0064'],
    ]);
  });
});
