/**
 * Automations on business records: rules as data, fired by saves through every door (Content
 * Manager, REST, the Document Service), never twice for one change, never blocking the save.
 * Sandbox mode: the message rows, the runs and the record's write-back are what is asserted.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { uniqueMexicanNumber } from './helpers/factories';
import { waitFor } from './helpers/wait';
import { UID } from './helpers/whatsapp';

const RUN = 'plugin::whatsapp.automation-run';
const AUTOMATION = 'plugin::whatsapp.automation';
const WORK_ORDER = 'api::work-order.work-order';
const ACTIVITY = 'api::activity.activity';

describe('automations on business records', () => {
  let app: TestApp;
  let admin: string;
  let token: string;
  let rule: { id: number };

  const cm = (uid: string) => `/content-manager/collection-types/${uid}`;
  const messagesFor = (documentId: string) =>
    app.strapi.db.query(UID.message as any).findMany({ where: { relatedType: WORK_ORDER, relatedId: documentId }, orderBy: { id: 'asc' } });
  const runsFor = (documentId: string) => app.strapi.db.query(RUN as any).findMany({ where: { recordId: documentId }, orderBy: { id: 'asc' } });
  /** The job is woken after each commit; wait until no run of the record is pending or being built. */
  const settled = (documentId: string) =>
    waitFor(async () => {
      const runs = await runsFor(documentId);
      return runs.length > 0 && runs.every((r: any) => !['pending', 'processing'].includes(r.state)) ? runs : null;
    });
  const workOrder = async (phone: string | null, state = 'IN_PROGRESS') => {
    const customer = await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'Ana Torres', phone } as any });
    const vehicle = await app.strapi.documents('api::vehicle.vehicle' as any).create({ data: { plate: 'XYZ-987-A', model: 'Versa 2019', customer: customer.documentId } as any });
    return app.strapi.documents(WORK_ORDER as any).create({ data: { number: `OT-${Math.floor(Math.random() * 1e6)}`, state, customer: customer.documentId, vehicle: vehicle.documentId } as any });
  };
  const cmUpdate = (documentId: string, data: Record<string, unknown>) => app.http().put(`${cm(WORK_ORDER)}/${documentId}`).set('Authorization', admin).send(data);

  beforeAll(async () => {
    app = await startStrapi();
    admin = await createAdminJwt(app);
    token = await createApiToken(app.strapi);
    await app
      .http()
      .post('/api/whatsapp/templates')
      .set('Authorization', token)
      .send({ data: { name: 'vehiculo_listo', category: 'utility', body: 'Hola {{nombre}}, tu {{vehiculo}} ({{placa}}) está listo. Orden {{orden}}. {{taller}}' } })
      .expect(201);
    const res = await app
      .http()
      .post('/api/whatsapp/automations')
      .set('Authorization', token)
      .send({
        data: {
          name: 'Vehículo listo',
          contentType: WORK_ORDER,
          trigger: 'field-change',
          field: 'state',
          toValue: 'COMPLETED',
          recipient: 'customer.phone',
          template: 'vehiculo_listo',
          variables: { nombre: 'customer.name', vehiculo: 'vehicle.model', placa: 'vehicle.plate', orden: 'number', taller: { value: 'Taller Ruiz' } },
          writeBack: 'whatsappNotifiedAt',
        },
      });
    expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
    rule = res.body.data;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('a work order marked COMPLETED in the Content Manager sends the template to the customer, and the send is written back', async () => {
    const { e164: number } = uniqueMexicanNumber();
    const e164 = number;
    const order = await workOrder(number);
    const res = await cmUpdate(order.documentId, { state: 'COMPLETED' });
    expect(res.status).toBe(200);

    const [run] = await settled(order.documentId);
    expect(run).toMatchObject({ automationId: rule.id, trigger: 'field-change', change: 'state: IN_PROGRESS → COMPLETED' });
    const messages = await messagesFor(order.documentId);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      to: e164,
      templateName: 'vehiculo_listo',
      automationId: rule.id,
      relatedType: WORK_ORDER,
      relatedId: order.documentId,
      body: `Hola Ana Torres, tu Versa 2019 (XYZ-987-A) está listo. Orden ${order.number}. Taller Ruiz`,
    });
    expect(messages[0].variables).toEqual({ nombre: 'Ana Torres', vehiculo: 'Versa 2019', placa: 'XYZ-987-A', orden: order.number, taller: 'Taller Ruiz' });

    // Sent by the sandbox, then the run is `sent` and the record carries the time it was sent.
    const sent = await waitFor(async () => {
      const [r] = await runsFor(order.documentId);
      return r.state === 'sent' ? r : null;
    });
    const stored = await app.strapi.db.query(WORK_ORDER as any).findOne({ where: { documentId: order.documentId } });
    expect(stored.whatsappNotifiedAt).toBeTruthy();
    expect(new Date(stored.whatsappNotifiedAt).getTime()).toBe(new Date(sent.writtenBackAt).getTime());
    // The write-back fired nothing.
    expect(await runsFor(order.documentId)).toHaveLength(1);
  });

  it('through REST (an API token), saving the same state again sends once, and a genuine second transition sends again', async () => {
    const { e164: number } = uniqueMexicanNumber();
    const order = await workOrder(number);
    const put = (state: string) =>
      app.http().put(`/api/work-orders/${order.documentId}`).set('Authorization', token).send({ data: { state } });
    expect((await put('COMPLETED')).status).toBe(200);
    await settled(order.documentId);
    expect((await put('COMPLETED')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await settled(order.documentId);
    expect(await messagesFor(order.documentId)).toHaveLength(1);

    expect((await put('IN_PROGRESS')).status).toBe(200);
    expect((await put('COMPLETED')).status).toBe(200);
    await waitFor(async () => ((await runsFor(order.documentId)).length === 2 ? true : null));
    await settled(order.documentId);
    expect(await messagesFor(order.documentId)).toHaveLength(2);
  });

  it('two identical updates at the same moment send once', async () => {
    const { e164: number } = uniqueMexicanNumber();
    const order = await workOrder(number);
    const results = await Promise.all([cmUpdate(order.documentId, { state: 'COMPLETED' }), cmUpdate(order.documentId, { state: 'COMPLETED' })]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    await settled(order.documentId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await runsFor(order.documentId)).toHaveLength(1);
    expect(await messagesFor(order.documentId)).toHaveLength(1);
  });

  it('a missing phone never fails the save: the run says why', async () => {
    const order = await workOrder(null);
    const res = await cmUpdate(order.documentId, { state: 'COMPLETED' });
    expect(res.status).toBe(200);
    expect((await app.strapi.db.query(WORK_ORDER as any).findOne({ where: { documentId: order.documentId } })).state).toBe('COMPLETED');
    const [run] = await settled(order.documentId);
    expect(run).toMatchObject({ state: 'failed', reason: 'customer.phone is empty: there is no number to send to' });
    expect(await messagesFor(order.documentId)).toHaveLength(0);
  });

  it('a rule broken after it was saved (its template deactivated) fails the run, not the save', async () => {
    await app.http().post('/api/whatsapp/templates').set('Authorization', token).send({ data: { name: 'entregado', body: 'Entregado {{orden}}' } }).expect(201);
    const made = await app
      .http()
      .post('/api/whatsapp/automations')
      .set('Authorization', token)
      .send({ data: { name: 'Entregado', contentType: WORK_ORDER, field: 'state', toValue: 'DELIVERED', recipient: 'customer.phone', template: 'entregado', variables: { orden: 'number' } } })
      .expect(201);
    await app.http().put('/api/whatsapp/templates/entregado').set('Authorization', token).send({ data: { active: false } }).expect(200);
    const { e164: number } = uniqueMexicanNumber();
    const order = await workOrder(number);
    expect((await cmUpdate(order.documentId, { state: 'DELIVERED' })).status).toBe(200);
    const [run] = await settled(order.documentId);
    expect(run).toMatchObject({ automationId: made.body.data.id, state: 'failed' });
    expect(run.reason).toMatch(/template: No active template "entregado"/);
  });

  it('a disabled rule sends nothing', async () => {
    await app.http().put(`/api/whatsapp/automations/${rule.id}`).set('Authorization', token).send({ data: { enabled: false } }).expect(200);
    try {
      const { e164: number } = uniqueMexicanNumber();
      const order = await workOrder(number);
      expect((await cmUpdate(order.documentId, { state: 'COMPLETED' })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await runsFor(order.documentId)).toHaveLength(0);
      expect(await messagesFor(order.documentId)).toHaveLength(0);
    } finally {
      await app.http().put(`/api/whatsapp/automations/${rule.id}`).set('Authorization', token).send({ data: { enabled: true } }).expect(200);
    }
  });

  it('bad rules are refused at save with a 422 naming the field, and nothing is written', async () => {
    const before = await app.strapi.db.query(AUTOMATION as any).count();
    const base = { name: 'x', contentType: WORK_ORDER, field: 'state', toValue: 'COMPLETED', recipient: 'customer.phone', template: 'vehiculo_listo', variables: { nombre: 'customer.name', vehiculo: 'vehicle.model', placa: 'vehicle.plate', orden: 'number', taller: { value: 'T' } } };
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ contentType: 'api::nothing.nothing' }, 'contentType', 'unknown'],
      [{ contentType: 'plugin::whatsapp.message' }, 'contentType', 'unknown'],
      [{ recipient: 'customer.telefono' }, 'recipient', 'path'],
      [{ field: 'estado' }, 'field', 'path'],
      [{ toValue: 'TERMINADO' }, 'toValue', 'enum'],
      [{ variables: { nombre: 'customer.name' } }, 'variables.vehiculo', 'unmapped'],
      [{ variables: { ...base.variables, placa: 'vehicle.color' } }, 'variables.placa', 'path'],
      [{ template: 'no-existe' }, 'template', 'unknown'],
      [{ attachment: 'pdf' }, 'attachment', 'pdf'],
      [{ writeBack: 'notes' }, 'writeBack', 'datetime'],
    ];
    for (const [change, field, rule] of cases) {
      const res = await app.http().post('/api/whatsapp/automations').set('Authorization', token).send({ data: { ...base, ...change } });
      expect({ field, status: res.status, path: res.body.error?.details?.errors?.[0]?.path?.join('.'), rule: res.body.error?.details?.errors?.[0]?.rule }).toEqual({ field, status: 422, path: field, rule });
    }
    // The Content Manager refuses the same (its own 400 format), naming the field.
    const viaCm = await app.http().post(cm(AUTOMATION)).set('Authorization', admin).send({ ...base, recipient: 'customer.telefono' });
    expect(viaCm.status).toBe(400);
    expect(viaCm.body.error.details.errors[0].path).toEqual(['recipient']);
    expect(await app.strapi.db.query(AUTOMATION as any).count()).toBe(before);
  });

  it('publishing a draft-and-publish record sends once, whatever events the publish fires', async () => {
    await app.http().post('/api/whatsapp/templates').set('Authorization', token).send({ data: { name: 'cita_confirmada', body: 'Hola {{nombre}}, confirmamos: {{asunto}}' } }).expect(201);
    await app
      .http()
      .post('/api/whatsapp/automations')
      .set('Authorization', token)
      .send({ data: { name: 'Cita confirmada', contentType: ACTIVITY, trigger: 'created', recipient: 'customer.phone', template: 'cita_confirmada', variables: { nombre: 'customer.name', asunto: 'subject' } } })
      .expect(201);
    const { e164: number } = uniqueMexicanNumber();
    const customer = await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'Rosa', phone: number } as any });
    // A draft: nothing yet.
    const draft = await app.http().post(cm(ACTIVITY)).set('Authorization', admin).send({ subject: 'Visita', customer: customer.documentId });
    expect(draft.status).toBe(201);
    const documentId = draft.body.data.documentId;
    await app.http().put(`${cm(ACTIVITY)}/${documentId}`).set('Authorization', admin).send({ subject: 'Visita al taller' }).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await runsFor(documentId)).toHaveLength(0);
    // Published (the Content Manager's publish: an update of the draft, then the published version).
    const published = await app.http().post(`${cm(ACTIVITY)}/${documentId}/actions/publish`).set('Authorization', admin).send({ subject: 'Visita al taller' });
    expect(published.status).toBe(200);
    await settled(documentId);
    // Edited and published again: still the same record, sent once.
    await app.http().post(`${cm(ACTIVITY)}/${documentId}/actions/publish`).set('Authorization', admin).send({ subject: 'Visita al taller (10:00)' }).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const runs = await runsFor(documentId);
    expect(runs).toHaveLength(1);
    const messages = await app.strapi.db.query(UID.message as any).findMany({ where: { relatedType: ACTIVITY, relatedId: documentId } });
    expect(messages).toHaveLength(1);
    expect(messages[0].body).toBe('Hola Rosa, confirmamos: Visita al taller');
  });

  it('"Send WhatsApp" from the record sends the rule by hand, and the record panel lists messages and runs', async () => {
    const { e164: number } = uniqueMexicanNumber();
    const order = await workOrder(number);
    const send = await app
      .http()
      .post(`/whatsapp/automations/${rule.id}/send`)
      .set('Authorization', admin)
      .send({ data: { documentId: order.documentId, variables: { taller: 'Taller Ruiz, sucursal Norte' }, idempotencyKey: 'panel-1' } });
    expect({ status: send.status, error: send.body.error }).toEqual({ status: 201, error: undefined });
    expect(send.body.data.run).toMatchObject({ trigger: 'manual', state: 'queued' });
    expect(send.body.data.message.body).toMatch(/Taller Ruiz, sucursal Norte$/);
    // The same press again (a double click) is the same run.
    const again = await app.http().post(`/whatsapp/automations/${rule.id}/send`).set('Authorization', admin).send({ data: { documentId: order.documentId, idempotencyKey: 'panel-1' } });
    expect(again.body.data.run.id).toBe(send.body.data.run.id);
    expect(await messagesFor(order.documentId)).toHaveLength(1);

    const panel = await app.http().get(`/whatsapp/automations/record/${WORK_ORDER}/${order.documentId}`).set('Authorization', admin).expect(200);
    expect(panel.body.data.messages.map((m: any) => m.id)).toEqual([send.body.data.message.id]);
    expect(panel.body.data.runs.map((r: any) => r.id)).toEqual([send.body.data.run.id]);
    const listed = panel.body.data.rules.find((r: any) => r.id === rule.id);
    expect(listed.values).toMatchObject({ nombre: 'Ana Torres', placa: 'XYZ-987-A', taller: 'Taller Ruiz' });
    // REST lists the record's messages by its type and id.
    const rest = await app
      .http()
      .get(`/api/whatsapp/messages?filters[relatedType]=${WORK_ORDER}&filters[relatedId]=${order.documentId}`)
      .set('Authorization', token)
      .expect(200);
    expect(rest.body.data.map((m: any) => m.id)).toEqual([send.body.data.message.id]);
  });

  it("a date reminder fires at the configured hour in the contact's time zone, once", async () => {
    await app.http().post('/api/whatsapp/templates').set('Authorization', token).send({ data: { name: 'recordatorio', body: 'Hola {{nombre}}, mañana: {{asunto}}' } }).expect(201);
    const { e164: phone } = uniqueMexicanNumber();
    // A customer in Bogotá (UTC−5, while the default zone is Mexico City's).
    await app.http().post('/api/whatsapp/contacts').set('Authorization', token).send({ data: { phone, timeZone: 'America/Bogota' } }).expect(201);
    const customer = await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'Camila', phone } as any });
    const zone = 'America/Bogota';
    const clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date());
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    // Due tomorrow (Bogotá) at 15:00 local = 20:00 UTC; the rule says "one day before, at <this minute>".
    const tomorrow = new Date(Date.parse(`${today}T20:00:00.000Z`) + 24 * 60 * 60 * 1000);
    const activity = await app.strapi.documents(ACTIVITY as any).create({ data: { subject: 'Pago de la factura', dueDate: tomorrow.toISOString(), customer: customer.documentId } as any, status: 'published' } as any);
    const made = await app
      .http()
      .post('/api/whatsapp/automations')
      .set('Authorization', token)
      .send({ data: { name: 'Recordatorio', contentType: ACTIVITY, trigger: 'date', field: 'dueDate', offsetDays: -1, atTime: clock, recipient: 'customer.phone', template: 'recordatorio', variables: { nombre: 'customer.name', asunto: 'subject' } } });
    expect({ status: made.status, error: made.body.error }).toEqual({ status: 201, error: undefined });
    // The moment: today, at that minute, in Bogotá (UTC−5).
    const expected = new Date(Date.parse(`${today}T${clock}:00.000Z`) + 5 * 60 * 60 * 1000);
    const service = app.strapi.plugin('whatsapp').service('automationRuns');
    // Only this rule's runs (another test's rule may fire on new activities too).
    const reminders = async () => (await runsFor(activity.documentId)).filter((r: any) => r.automationId === made.body.data.id);

    // Ten minutes earlier nothing is due.
    expect(await service.scanDates(new Date(expected.getTime() - 10 * 60_000))).toBe(0);
    expect(await reminders()).toHaveLength(0);
    // At the hour: one run, due at that minute, whose message leaves.
    await service.scanDates(new Date());
    const [run] = await waitFor(async () => {
      const mine = await reminders();
      return mine.length && !['pending', 'processing'].includes(mine[0].state) ? mine : null;
    });
    expect(new Date(run.dueAt).toISOString()).toBe(expected.toISOString());
    expect(run).toMatchObject({ automationId: made.body.data.id, trigger: 'date' });
    expect(['queued', 'sent']).toContain(run.state);
    // Scanned again (the job does every 30 s): still one.
    expect(await service.scanDates(new Date())).toBe(0);
    expect(await reminders()).toHaveLength(1);
    const messages = await app.strapi.db.query(UID.message as any).findMany({ where: { relatedType: ACTIVITY, relatedId: activity.documentId, automationId: made.body.data.id } });
    expect(messages.map((m: any) => m.body)).toEqual(['Hola Camila, mañana: Pago de la factura']);
  });

  it('GraphQL reads the rules and their runs', async () => {
    const res = await app
      .http()
      .post('/graphql')
      .set('Authorization', token)
      .send({ query: '{ whatsappAutomations(filters: { name: { eq: "Vehículo listo" } }) { documentId name contentType trigger toValue recipient } whatsappAutomationRuns { trigger state } }' })
      .expect(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.whatsappAutomations).toEqual([
      expect.objectContaining({ name: 'Vehículo listo', contentType: WORK_ORDER, trigger: 'field_change', toValue: 'COMPLETED', recipient: 'customer.phone' }),
    ]);
    expect(Array.isArray(res.body.data.whatsappAutomationRuns)).toBe(true);
  });
});
