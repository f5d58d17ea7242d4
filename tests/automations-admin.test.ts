/**
 * The automations admin pages' API: the content types a rule may watch with their fields, the
 * preview of what a rule would send for one record (saved or a draft, with nothing written and
 * nothing sent), the runs summary of the list, and switching off a rule that broke.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt } from './helpers/auth';
import { uniqueMexicanNumber } from './helpers/factories';
import { UID } from './helpers/whatsapp';
import { waitFor } from './helpers/wait';

const RUN = 'plugin::whatsapp.automation-run';
const AUTOMATION = 'plugin::whatsapp.automation';
const WORK_ORDER = 'api::work-order.work-order';

describe('automations admin API', () => {
  let app: TestApp;
  let admin: string;
  let rule: { id: number; documentId: string };

  const variables = { nombre: 'customer.name', placa: 'vehicle.plate', orden: 'number', taller: { value: 'Taller Ruiz' } };
  const workOrder = async (phone: string | null, country = 'MX') => {
    const customer = await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'Ana Torres', phone, country } as any });
    const vehicle = await app.strapi.documents('api::vehicle.vehicle' as any).create({ data: { plate: 'XYZ-987-A', model: 'Versa 2019', customer: customer.documentId } as any });
    return app.strapi.documents(WORK_ORDER as any).create({ data: { number: `OT-${Math.floor(Math.random() * 1e6)}`, state: 'IN_PROGRESS', customer: customer.documentId, vehicle: vehicle.documentId } as any });
  };
  /** Every table a send would touch, and the record itself: a preview must leave them all as they were. */
  const written = async (documentId: string) => ({
    messages: await app.strapi.db.query(UID.message as any).count(),
    contacts: await app.strapi.db.query(UID.contact as any).count(),
    runs: await app.strapi.db.query(RUN as any).count(),
    rules: await app.strapi.db.query(AUTOMATION as any).findMany({ orderBy: { id: 'asc' } }),
    record: await app.strapi.db.query(WORK_ORDER as any).findOne({ where: { documentId } }),
  });
  const post = (path: string, data: unknown) => app.http().post(`/whatsapp/automations${path}`).set('Authorization', admin).send({ data });

  beforeAll(async () => {
    app = await startStrapi();
    admin = await createAdminJwt(app);
    await app
      .http()
      .post('/whatsapp/templates')
      .set('Authorization', admin)
      .send({ data: { name: 'listo_admin', category: 'utility', language: 'es_MX', body: 'Hola {{nombre}}, tu auto {{placa}} está listo. Orden {{orden}}. {{taller}}' } })
      .expect(201);
    const res = await post('', {
      name: 'Listo (admin)',
      contentType: WORK_ORDER,
      trigger: 'field-change',
      field: 'state',
      toValue: 'COMPLETED',
      conditions: [{ field: 'customer.country', op: 'in', value: ['MX', 'CO'] }],
      recipient: 'customer.phone',
      template: 'listo_admin',
      variables,
    });
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
    rule = res.body.data;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('lists the application content types a rule may watch, with their fields and enumeration values', async () => {
    const res = await app.http().get('/whatsapp/automations/content-types').set('Authorization', admin).expect(200);
    const types = res.body.data as Array<{ uid: string; displayName: string; kind: string; pdf: boolean; mainField: string; draftAndPublish: boolean; fields: Array<{ name: string; type: string; enum?: string[] }> }>;
    expect(types.every((t) => t.uid.startsWith('api::'))).toBe(true);
    const workOrderType = types.find((t) => t.uid === WORK_ORDER)!;
    expect(workOrderType).toMatchObject({ displayName: 'Work order', kind: 'collectionType', pdf: false, draftAndPublish: false });
    expect(typeof workOrderType.mainField).toBe('string');
    const byName = Object.fromEntries(workOrderType.fields.map((f) => [f.name, f]));
    expect(byName.state).toEqual({ name: 'state', type: 'enumeration', enum: ['DRAFT', 'IN_PROGRESS', 'COMPLETED', 'DELIVERED'] });
    expect(byName.whatsappNotifiedAt).toEqual({ name: 'whatsappNotifiedAt', type: 'datetime' });
    // One relation away: the customer's phone, the vehicle's plate.
    expect(byName['customer.phone']).toEqual({ name: 'customer.phone', type: 'string' });
    expect(byName['vehicle.plate']).toEqual({ name: 'vehicle.plate', type: 'string' });
    // Not values: the relations themselves, a relation to many, Strapi's bookkeeping.
    for (const name of ['customer', 'vehicle', 'customer.vehicles', 'createdBy', 'documentId', 'id']) expect(byName[name]).toBeUndefined();
    expect(types.find((t) => t.uid === 'api::quote.quote')).toMatchObject({ displayName: 'Quote', pdf: true });
    expect(types.find((t) => t.uid === 'api::activity.activity')).toMatchObject({ draftAndPublish: true });
  });

  it('previews the message a saved rule would send to a record, and writes nothing', async () => {
    const { e164, national } = uniqueMexicanNumber();
    const order = await workOrder(national);
    const before = await written(order.documentId);
    const res = await post(`/${rule.id}/preview`, { documentId: order.documentId });
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 200, error: undefined });
    expect(res.body.data).toEqual({
      documentId: order.documentId,
      outcome: 'send',
      reason: null,
      conditionsApply: true,
      conditions: [{ field: 'customer.country', op: 'in', value: ['MX', 'CO'], holds: true, actual: 'MX' }],
      recipient: { path: 'customer.phone', value: national, to: e164 },
      variables: { nombre: 'Ana Torres', placa: 'XYZ-987-A', orden: order.number, taller: 'Taller Ruiz' },
      text: `Hola Ana Torres, tu auto XYZ-987-A está listo. Orden ${order.number}. Taller Ruiz`,
      template: 'listo_admin',
      category: 'utility',
      attachment: 'none',
      problem: null,
    });
    expect(await written(order.documentId)).toEqual(before);
  });

  it('says why a record would be skipped (a condition) or fail (no number), in the run’s own words', async () => {
    const { e164 } = uniqueMexicanNumber();
    const abroad = await workOrder(e164, 'US');
    const skipped = await post(`/${rule.id}/preview`, { documentId: abroad.documentId }).expect(200);
    expect(skipped.body.data).toMatchObject({
      outcome: 'skipped',
      reason: 'condition not met: customer.country in ["MX","CO"] (is "US")',
      conditions: [{ field: 'customer.country', holds: false, actual: 'US' }],
      // The message is still worked out: what they would read if the condition held.
      recipient: { to: e164 },
      text: expect.stringContaining('Hola Ana Torres'),
      problem: null,
    });

    const noPhone = await workOrder(null);
    const before = await written(noPhone.documentId);
    const failed = await post(`/${rule.id}/preview`, { documentId: noPhone.documentId }).expect(200);
    expect(failed.body.data).toMatchObject({
      outcome: 'failed',
      reason: 'customer.phone is empty: there is no number to send to',
      recipient: { path: 'customer.phone', value: null, to: null },
      problem: { path: 'recipient', rule: 'empty' },
      text: expect.stringContaining('XYZ-987-A'),
    });
    expect(await written(noPhone.documentId)).toEqual(before);

    // A number that is not one: refused by the same check a send passes, named on `to`.
    const wrong = await workOrder('12');
    const invalid = await post(`/${rule.id}/preview`, { documentId: wrong.documentId }).expect(200);
    expect(invalid.body.data).toMatchObject({ outcome: 'failed', recipient: { value: '12', to: null }, problem: { path: 'to' } });
    expect(invalid.body.data.reason).toMatch(/^to: /);
  });

  it('previews the editor’s unsaved changes over a saved rule, and a draft never saved, leaving the rules as stored', async () => {
    const { e164 } = uniqueMexicanNumber();
    const order = await workOrder(e164);
    const before = await written(order.documentId);
    const edited = await post(`/${rule.id}/preview`, { documentId: order.documentId, automation: { variables: { ...variables, taller: { value: 'Sucursal Norte' } }, conditions: [] } }).expect(200);
    expect(edited.body.data).toMatchObject({ outcome: 'send', conditions: [], text: expect.stringMatching(/Sucursal Norte$/) });

    const draft = await post('/preview', {
      documentId: order.documentId,
      automation: { contentType: WORK_ORDER, trigger: 'manual', recipient: 'customer.phone', template: 'listo_admin', variables: { nombre: 'vehicle.model', placa: 'vehicle.plate', orden: 'state', taller: { value: '' } }, conditions: [{ field: 'state', op: 'eq', value: 'COMPLETED' }] },
    });
    expect({ status: draft.status, error: draft.body.error }).toEqual({ status: 200, error: undefined });
    // Sent by hand: its conditions are shown, not applied.
    expect(draft.body.data).toMatchObject({ outcome: 'send', conditionsApply: false, conditions: [{ holds: false, actual: 'IN_PROGRESS' }], recipient: { to: e164 } });
    expect(draft.body.data.text).toBe('Hola Versa 2019, tu auto XYZ-987-A está listo. Orden IN_PROGRESS. ');
    expect(await written(order.documentId)).toEqual(before);
  });

  it('refuses a preview it cannot make with the field at fault, writing nothing', async () => {
    const order = await workOrder(uniqueMexicanNumber().e164);
    const before = await written(order.documentId);
    const cases: Array<[string, unknown, number, string, string]> = [
      [`/${rule.id}/preview`, {}, 400, 'documentId', 'required'],
      [`/${rule.id}/preview`, { documentId: order.documentId, automation: { colour: 'red' } }, 400, 'automation.colour', 'unknown'],
      [`/${rule.id}/preview`, { documentId: order.documentId, automation: { recipient: 'customer.telefono' } }, 422, 'automation.recipient', 'path'],
      ['/preview', { documentId: order.documentId }, 400, 'automation', 'required'],
      ['/preview', { documentId: order.documentId, automation: { contentType: WORK_ORDER, recipient: 'customer.phone', template: 'listo_admin', variables: { nombre: 'customer.name' }, trigger: 'created' } }, 422, 'automation.variables.placa', 'unmapped'],
      ['/preview', { documentId: order.documentId, automation: { contentType: 'api::nada.nada', recipient: 'customer.phone', template: 'listo_admin' } }, 422, 'automation.contentType', 'unknown'],
    ];
    for (const [path, data, status, field, ruleName] of cases) {
      const res = await post(path, data);
      const error = res.body.error?.details?.errors?.[0];
      expect({ field, status: res.status, path: error?.path?.join('.'), rule: error?.rule }).toEqual({ field, status, path: field, rule: ruleName });
    }
    const missing = await post(`/${rule.id}/preview`, { documentId: 'no-such-record-000000000' });
    expect(missing.status).toBe(404);
    expect(await post('/999999/preview', { documentId: order.documentId }).then((r) => r.status)).toBe(404);
    expect(await written(order.documentId)).toEqual(before);
  });

  it('lists each rule with its number of runs and its last one', async () => {
    const order = await workOrder(uniqueMexicanNumber().e164);
    const sent = await post(`/${rule.id}/send`, { documentId: order.documentId, idempotencyKey: 'admin-list-1' });
    expect(sent.status).toBe(201);
    // The run moves on (queued → sent) as the dispatcher works: list once every run has settled.
    const settled = ['sent', 'failed', 'skipped'];
    await waitFor(async () => {
      const all = await app.strapi.db.query(RUN as any).findMany({ where: { automationId: rule.id } });
      return all.length > 0 && all.every((run: { state: string }) => settled.includes(run.state));
    });
    const res = await app.http().get('/whatsapp/automations').set('Authorization', admin).expect(200);
    const listed = res.body.data.find((r: any) => r.id === rule.id);
    const runs = await app.strapi.db.query(RUN as any).findMany({ where: { automationId: rule.id }, orderBy: { id: 'desc' } });
    expect(listed.runs).toEqual({ total: runs.length, lastAt: new Date(runs[0].createdAt).toISOString(), lastState: runs[0].state });
    expect(runs.length).toBeGreaterThan(0);
  });

  it('a rule broken since it was saved can still be switched off, but not on', async () => {
    await app.http().post('/whatsapp/templates').set('Authorization', admin).send({ data: { name: 'efimera', category: 'utility', language: 'es_MX', body: 'Hola {{nombre}}' } }).expect(201);
    const made = await post('', { name: 'Efímera', contentType: WORK_ORDER, trigger: 'created', recipient: 'customer.phone', template: 'efimera', variables: { nombre: 'customer.name' } }).expect(201);
    await app.http().delete('/whatsapp/templates/efimera').set('Authorization', admin).expect(200);
    const put = (data: unknown) => app.http().put(`/whatsapp/automations/${made.body.data.id}`).set('Authorization', admin).send({ data });

    const off = await put({ enabled: false });
    expect({ status: off.status, enabled: off.body.data?.enabled }).toEqual({ status: 200, enabled: false });
    const on = await put({ enabled: true });
    expect({ status: on.status, path: on.body.error?.details?.errors?.[0]?.path }).toEqual({ status: 422, path: ['template'] });
    expect((await app.strapi.db.query(AUTOMATION as any).findOne({ where: { id: made.body.data.id } })).enabled).toBe(false);
  });
});
