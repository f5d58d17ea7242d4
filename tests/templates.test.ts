/**
 * Step 2 templates: CRUD, strict rendering with a live preview, provider mappings checked
 * against the body's variables, the 4,096-character limit, and Content Manager edits.
 */
import { startStrapi, type TestApp } from './helpers/strapi';
import { createApiToken } from './helpers/auth';
import { count, UID } from './helpers/whatsapp';

describe('templates', () => {
  let app: TestApp;
  let token: string;
  const api = () => ({
    post: (path: string, data: unknown) => app.http().post(path).set('Authorization', token).send({ data }),
    put: (path: string, data: unknown) => app.http().put(path).set('Authorization', token).send({ data }),
    get: (path: string) => app.http().get(path).set('Authorization', token),
    del: (path: string) => app.http().delete(path).set('Authorization', token),
  });

  beforeAll(async () => {
    app = await startStrapi();
    token = await createApiToken(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('creates a template, lists its variables in order, reads, updates and deletes it', async () => {
    const created = await api()
      .post('/api/whatsapp/templates', {
        name: 'recordatorio',
        category: 'utility',
        body: 'Hola {{nombre}}, tu {{producto}} llega el {{fecha entrega}}. Total: {{moneda total "MXN"}}.',
        metaName: 'recordatorio_entrega',
        metaLanguage: 'es_MX',
        metaParameters: ['nombre', 'producto', 'entrega', 'total'],
      })
      .expect(201);
    expect(created.body.data).toMatchObject({
      name: 'recordatorio',
      variables: ['nombre', 'producto', 'entrega', 'total'],
      meta: { name: 'recordatorio_entrega', language: 'es_MX', parameters: ['nombre', 'producto', 'entrega', 'total'] },
    });
    const id = created.body.data.documentId;

    const byName = await api().get('/api/whatsapp/templates/recordatorio').expect(200);
    expect(byName.body.data.documentId).toBe(id);

    const updated = await api().put(`/api/whatsapp/templates/${id}`, { body: 'Hola {{nombre}}, tu {{producto}} llega pronto.', metaParameters: ['nombre', 'producto'] }).expect(200);
    expect(updated.body.data.variables).toEqual(['nombre', 'producto']);
    // A new body whose variables no longer match the stored Meta order is refused, naming the field.
    const drift = await api().put(`/api/whatsapp/templates/${id}`, { body: 'Hola {{nombre}}, tu {{producto}} llega el {{fecha entrega}}.' }).expect(422);
    expect(drift.body.error.details.errors[0]).toMatchObject({ path: ['metaParameters'], rule: 'parameter-count' });

    const list = await api().get('/api/whatsapp/templates?filters[search]=record').expect(200);
    expect(list.body.data.map((t: any) => t.name)).toEqual(['recordatorio']);
    expect(list.body.meta.pagination.total).toBe(1);

    await api().del(`/api/whatsapp/templates/${id}`).expect(200);
    await api().get(`/api/whatsapp/templates/${id}`).expect(404);
  });

  it('previews with date and currency formatting, and names a missing variable', async () => {
    const created = await api()
      .post('/api/whatsapp/templates', { name: 'pedido', body: 'Hola {{nombre}}, tu pedido llega el {{fecha entrega}}. Total: {{moneda total "MXN"}}' })
      .expect(201);
    const preview = await api()
      .post(`/api/whatsapp/templates/${created.body.data.id}/preview`, { variables: { nombre: 'Ana', entrega: '2026-12-03', total: 1234.5 } })
      .expect(200);
    expect(preview.body.data.text).toBe('Hola Ana, tu pedido llega el 3 de diciembre de 2026. Total: $1,234.50');
    expect(preview.body.data.length).toBe(preview.body.data.text.length);

    const missing = await api().post(`/api/whatsapp/templates/${created.body.data.id}/preview`, { variables: { nombre: 'Ana', total: 1 } }).expect(422);
    expect(missing.body.error.details.errors[0]).toMatchObject({ path: ['variables', 'entrega'], rule: 'required' });
    expect(missing.body.error.message).toMatch(/entrega/);
  });

  it('does not HTML-escape WhatsApp text', async () => {
    const created = await api().post('/api/whatsapp/templates', { name: 'escape', body: 'Taller {{nombre}}' }).expect(201);
    const preview = await api().post(`/api/whatsapp/templates/${created.body.data.id}/preview`, { variables: { nombre: 'Pérez & Hijos <MX>' } }).expect(200);
    expect(preview.body.data.text).toBe('Taller Pérez & Hijos <MX>');
  });

  it('refuses bad templates with the field and the rule, writing nothing', async () => {
    const before = await count(app.strapi, UID.template);
    const syntax = await api().post('/api/whatsapp/templates', { name: 'roto', body: 'Hola {{nombre' }).expect(422);
    expect(syntax.body.error.details.errors[0]).toMatchObject({ path: ['body'], rule: 'template-syntax' });
    const long = await api().post('/api/whatsapp/templates', { name: 'largo', body: 'x'.repeat(4097) }).expect(422);
    expect(long.body.error.details.errors[0]).toMatchObject({ path: ['body'], rule: 'max-length' });
    const mapping = await api().post('/api/whatsapp/templates', { name: 'mapa', body: 'Hola {{nombre}}', metaName: 'x', metaParameters: ['nombre', 'apellido'] }).expect(422);
    expect(mapping.body.error.details.errors[0]).toMatchObject({ path: ['metaParameters', '1'], rule: 'unknown-variable' });
    // An explicit Meta order must have one parameter per variable of the body (Meta's 132000 otherwise).
    const short = await api().post('/api/whatsapp/templates', { name: 'corto', body: 'Hola {{nombre}}, su pedido {{folio}}', metaName: 'x', metaParameters: ['nombre'] }).expect(422);
    expect(short.body.error.details.errors[0]).toMatchObject({ path: ['metaParameters'], rule: 'parameter-count' });
    expect(short.body.error.message).toMatch(/1 parameter.*2 variable.*nombre, folio/);
    const sid = await api().post('/api/whatsapp/templates', { name: 'sid', body: 'Hola', twilioContentSid: 'not-a-sid' }).expect(400);
    expect(sid.body.error.details.errors[0].path).toEqual(['twilioContentSid']);
    const category = await api().post('/api/whatsapp/templates', { name: 'cat', body: 'Hola', category: 'spam' }).expect(400);
    expect(category.body.error.details.errors[0].path).toEqual(['category']);
    await api().post('/api/whatsapp/templates', { name: 'dup', body: 'Hola' }).expect(201);
    const dup = await api().post('/api/whatsapp/templates', { name: 'dup', body: 'Otra' }).expect(409);
    expect(dup.body.error.details.errors[0]).toMatchObject({ path: ['name'], rule: 'unique' });
    expect(await count(app.strapi, UID.template)).toBe(before + 1);
  });

  it('Content Manager edits follow the same rules (variables derived, bad bodies refused)', async () => {
    const doc = await app.strapi.documents(UID.template as any).create({ data: { name: 'cm', body: 'Hola {{nombre}} {{apellido}}', category: 'utility', language: 'es_MX' } as any });
    const row = await app.strapi.db.query(UID.template as any).findOne({ where: { documentId: doc.documentId } });
    expect(row.variables).toEqual(['nombre', 'apellido']);
    await expect(app.strapi.documents(UID.template as any).update({ documentId: doc.documentId, data: { body: '{{#if}}' } as any })).rejects.toThrow();
    const miscounted = app.strapi.documents(UID.template as any).update({ documentId: doc.documentId, data: { body: 'Hola {{nombre}} {{apellido}}', metaName: 'x', metaParameters: ['apellido'] } as any });
    await expect(miscounted).rejects.toMatchObject({ name: 'ValidationError', details: { errors: [{ path: ['metaParameters'], rule: 'parameter-count' }] } });

    const contact = await app.strapi.documents(UID.contact as any).create({ data: { phone: '55 1234 5678' } as any });
    expect((await app.strapi.db.query(UID.contact as any).findOne({ where: { documentId: contact.documentId } })).phone).toBe('+525512345678');
  });
});
