/**
 * The workshop's three flows, end to end against the fake Meta Cloud API (sandbox off):
 * a work order marked COMPLETED tells the customer the vehicle is ready; a quote marked SENT
 * sends the customer the quote as a PDF; a purchase order marked SENT sends the supplier the
 * order as a PDF. The PDFs are uploaded to Meta's media endpoint and sent by media id.
 */
import fs from 'fs';
import { startStrapi, type TestApp } from './helpers/strapi';
import { createAdminJwt, createApiToken } from './helpers/auth';
import { waitFor } from './helpers/wait';
import { startFakes, type Fakes } from './fakes';
import { pdfText } from '../plugins/whatsapp/server/src/pdf/test-support/pdf-text';

const RUN = 'plugin::whatsapp.automation-run';

describe('the workshop flows, through Meta', () => {
  let app: TestApp;
  let fakes: Fakes;
  let admin: string;
  let token: string;
  let customer: { documentId: string };
  let supplier: { documentId: string };

  const cm = (uid: string, documentId: string) => `/content-manager/collection-types/${uid}/${documentId}`;
  const api = (method: 'post' | 'put', path: string, data: unknown) => app.http()[method](path).set('Authorization', token).send({ data });
  const bodyParameters = (payload: any) => payload.template.components.find((c: any) => c.type === 'body').parameters.map((p: any) => p.text);
  const header = (payload: any) => payload.template.components.find((c: any) => c.type === 'header')?.parameters[0];
  /** The one run of a record once it is done, and the message Meta received for it. */
  const sentFor = async (documentId: string) => {
    const run = await waitFor(async () => {
      const [r] = await app.strapi.db.query(RUN as any).findMany({ where: { recordId: documentId } });
      return r && !['pending', 'processing'].includes(r.state) ? r : null;
    });
    expect({ state: run.state, reason: run.reason }).toMatchObject({ reason: null });
    const message = await app.strapi.db.query('plugin::whatsapp.message' as any).findOne({ where: { id: run.messageId } });
    const sent = await waitFor(async () => fakes.meta.sent.find((s) => s.payload.biz_opaque_callback_data === String(message.id)) ?? null);
    return { run, message, payload: sent.payload as any };
  };

  beforeAll(async () => {
    fakes = await startFakes();
    app = await startStrapi({ env: { ...fakes.env, WHATSAPP_SANDBOX: 'false', PUBLIC_URL: 'https://taller.example.com' } });
    admin = await createAdminJwt(app);
    token = await createApiToken(app.strapi);
    await app.http().put('/whatsapp/settings').set('Authorization', admin).send({ data: { businessName: 'Taller Mecánico Ruiz', taxRate: 16, currency: 'MXN' } }).expect(200);

    const template = (name: string, body: string, metaParameters: string[], mediaHeader = 'none') =>
      api('post', '/api/whatsapp/templates', { name, category: 'utility', body, mediaHeader, metaName: name, metaLanguage: 'es_MX', metaParameters }).expect(201);
    await template('vehiculo_listo', 'Hola {{nombre}}, tu {{vehiculo}} con placas {{placa}} ya está listo. Orden {{orden}}.', ['nombre', 'vehiculo', 'placa', 'orden']);
    await template('cotizacion_enviada', 'Hola {{nombre}}, te enviamos la cotización {{numero}} por {{moneda total}}.', ['nombre', 'numero', 'total'], 'document');
    await template('orden_de_compra', 'Buen día {{proveedor}}, le enviamos la orden de compra {{numero}} por {{moneda total}}.', ['proveedor', 'numero', 'total'], 'document');

    const rule = (data: Record<string, unknown>) => api('post', '/api/whatsapp/automations', { trigger: 'field-change', field: 'state', ...data }).expect(201);
    await rule({ name: 'Vehículo listo', contentType: 'api::work-order.work-order', toValue: 'COMPLETED', recipient: 'customer.phone', template: 'vehiculo_listo', variables: { nombre: 'customer.name', vehiculo: 'vehicle.model', placa: 'vehicle.plate', orden: 'number' }, writeBack: 'whatsappNotifiedAt' });
    await rule({ name: 'Cotización', contentType: 'api::quote.quote', toValue: 'SENT', recipient: 'customer.phone', template: 'cotizacion_enviada', variables: { nombre: 'customer.name', numero: 'number', total: 'total' }, attachment: 'pdf' });
    await rule({ name: 'Orden de compra', contentType: 'api::purchase-order.purchase-order', toValue: 'SENT', recipient: 'supplier.phone', template: 'orden_de_compra', variables: { proveedor: 'supplier.name', numero: 'number', total: 'total' }, attachment: 'pdf' });

    customer = await app.strapi.documents('api::customer.customer' as any).create({ data: { name: 'María González', phone: '+525512345678' } as any });
    supplier = await app.strapi.documents('api::supplier.supplier' as any).create({ data: { name: 'Refacciones del Centro', phone: '+525598765432' } as any });
  });
  afterAll(async () => {
    await app?.stop();
    await fakes?.close();
  });

  it('a work order marked COMPLETED in the Content Manager: "vehicle ready" with the record\'s values, written back', async () => {
    const vehicle = await app.strapi.documents('api::vehicle.vehicle' as any).create({ data: { plate: 'ABC-123-D', model: 'Nissan Versa', customer: customer.documentId } as any });
    const order = await app.strapi.documents('api::work-order.work-order' as any).create({ data: { number: 'OT-1001', state: 'IN_PROGRESS', customer: customer.documentId, vehicle: vehicle.documentId } as any });
    await app.http().put(cm('api::work-order.work-order', order.documentId)).set('Authorization', admin).send({ state: 'COMPLETED' }).expect(200);

    const { payload } = await sentFor(order.documentId);
    expect(payload).toMatchObject({ to: '525512345678', type: 'template', template: { name: 'vehiculo_listo', language: { code: 'es_MX' } } });
    expect(bodyParameters(payload)).toEqual(['María González', 'Nissan Versa', 'ABC-123-D', 'OT-1001']);
    const written = await waitFor(async () => (await app.strapi.db.query('api::work-order.work-order' as any).findOne({ where: { documentId: order.documentId } })).whatsappNotifiedAt ?? null);
    expect(written).toBeTruthy();
  });

  it('a quote marked SENT through REST: the PDF is made, uploaded to Meta and sent by id with the quote\'s values', async () => {
    const quote = await app.strapi.documents('api::quote.quote' as any).create({
      data: {
        number: 'COT-2001',
        state: 'DRAFT',
        customer: customer.documentId,
        lines: [
          { description: 'Cambio de aceite y filtro', quantity: 1, unitPrice: 850 },
          { description: 'Balatas delanteras', quantity: 1, unitPrice: 1200 },
        ],
        total: 2378,
      } as any,
    });
    await app.http().put(`/api/quotes/${quote.documentId}`).set('Authorization', token).send({ data: { state: 'SENT' } }).expect(200);

    const { payload, message } = await sentFor(quote.documentId);
    expect(payload.template.name).toBe('cotizacion_enviada');
    expect(bodyParameters(payload)).toEqual(['María González', 'COT-2001', '$2,378.00']);
    const upload = fakes.meta.uploads.find((u) => u.id === header(payload)?.document?.id);
    expect(upload).toBeDefined();
    expect(header(payload)).toEqual({ type: 'document', document: { id: upload!.id, filename: 'cotizacion-COT-2001.pdf' } });
    expect(upload!.mime).toBe('application/pdf');
    // The PDF Meta received opens and has the quote's number, customer and total.
    const { text } = await pdfText(upload!.bytes);
    expect(text).toContain('COT-2001');
    expect(text).toContain('María González');
    expect(text).toContain('$2,378.00');
    expect(text).toContain('Taller Mecánico Ruiz');
    // The same file is in the media library, linked from the message.
    const file = await app.strapi.db.query('plugin::upload.file' as any).findOne({ where: { id: message.media.fileId } });
    expect(Buffer.compare(fs.readFileSync(`${app.strapi.dirs.static.public}${file.url}`), upload!.bytes)).toBe(0);
  });

  it('a purchase order marked SENT in the Content Manager: the supplier gets the order as a PDF', async () => {
    const order = await app.strapi.documents('api::purchase-order.purchase-order' as any).create({
      data: { number: 'OC-3001', state: 'DRAFT', supplier: supplier.documentId, lines: [{ description: 'Filtro de aceite', quantity: 10, unitPrice: 95 }], total: 1102 } as any,
    });
    await app.http().put(cm('api::purchase-order.purchase-order', order.documentId)).set('Authorization', admin).send({ state: 'SENT' }).expect(200);

    const { payload } = await sentFor(order.documentId);
    expect(payload).toMatchObject({ to: '525598765432', template: { name: 'orden_de_compra' } });
    expect(bodyParameters(payload)).toEqual(['Refacciones del Centro', 'OC-3001', '$1,102.00']);
    const upload = fakes.meta.uploads.find((u) => u.id === header(payload)?.document?.id);
    const { text } = await pdfText(upload!.bytes);
    expect(text).toContain('OC-3001');
    expect(text).toContain('Refacciones del Centro');
    expect(text).toContain('$1,102.00');
  });

  it('the same flows through the other door: a quote SENT in the Content Manager, a purchase order SENT through REST', async () => {
    const quote = await app.strapi.documents('api::quote.quote' as any).create({
      data: { number: 'COT-2002', state: 'DRAFT', customer: customer.documentId, lines: [{ description: 'Afinación', quantity: 1, unitPrice: 1500 }], total: 1740 } as any,
    });
    await app.http().put(cm('api::quote.quote', quote.documentId)).set('Authorization', admin).send({ state: 'SENT' }).expect(200);
    const order = await app.strapi.documents('api::purchase-order.purchase-order' as any).create({
      data: { number: 'OC-3002', state: 'DRAFT', supplier: supplier.documentId, lines: [{ description: 'Bujías', quantity: 8, unitPrice: 60 }], total: 556.8 } as any,
    });
    await app.http().put(`/api/purchase-orders/${order.documentId}`).set('Authorization', token).send({ data: { state: 'SENT' } }).expect(200);

    for (const [documentId, name, parameters, number] of [
      [quote.documentId, 'cotizacion_enviada', ['María González', 'COT-2002', '$1,740.00'], 'COT-2002'],
      [order.documentId, 'orden_de_compra', ['Refacciones del Centro', 'OC-3002', '$556.80'], 'OC-3002'],
    ] as const) {
      const { payload } = await sentFor(documentId);
      expect(payload.template.name).toBe(name);
      expect(bodyParameters(payload)).toEqual(parameters);
      const upload = fakes.meta.uploads.find((u) => u.id === header(payload)?.document?.id);
      expect((await pdfText(upload!.bytes)).text).toContain(number);
    }
  });

  it('with Meta down the save still answers at once; the message waits for its retry and the run points at it', async () => {
    fakes.meta.failNextRaw({ status: 503, body: 'upstream unavailable', times: 50 });
    try {
      const vehicle = await app.strapi.documents('api::vehicle.vehicle' as any).create({ data: { plate: 'JAL-456-E', model: 'Jetta', customer: customer.documentId } as any });
      const order = await app.strapi.documents('api::work-order.work-order' as any).create({ data: { number: 'OT-1002', state: 'IN_PROGRESS', customer: customer.documentId, vehicle: vehicle.documentId } as any });
      const res = await app.http().put(cm('api::work-order.work-order', order.documentId)).set('Authorization', admin).send({ state: 'COMPLETED' });
      expect(res.status).toBe(200);
      const run = await waitFor(async () => {
        const [r] = await app.strapi.db.query(RUN as any).findMany({ where: { recordId: order.documentId } });
        return r?.state === 'queued' ? r : null;
      });
      const message = await waitFor(async () => {
        const m = await app.strapi.db.query('plugin::whatsapp.message' as any).findOne({ where: { id: run.messageId } });
        return m.deliveryStatus === 'queued' && m.attempts >= 1 && m.errorText ? m : null;
      });
      // Transient: back in the queue with the provider's error and its next try, not sent, not lost.
      expect(new Date(message.dueAt).getTime()).toBeGreaterThan(Date.now());
      expect(fakes.meta.sent.filter((s) => s.payload.biz_opaque_callback_data === String(message.id))).toHaveLength(0);
    } finally {
      fakes.meta.reset();
    }
  });
});
