import type { Core } from '@strapi/strapi';

/**
 * Demo data for a first look at the product: a few customers (Mexican, Colombian and
 * Argentine numbers), their vehicles, work orders, quotes, suppliers and purchase orders.
 * Numbers are stored in E.164, the form the WhatsApp plugin accepts whatever the default
 * country (`011 15-2345-6789` is an Argentine mobile only when read as AR; under MX it is
 * refused). Inserted only on an empty database, so a restart never duplicates anything.
 */
export async function seedDemoData(strapi: Core.Strapi): Promise<boolean> {
  const existing = await strapi.documents('api::customer.customer').count({});
  if (existing > 0) return false;

  const customers = [
    { name: 'María González', phone: '+525512345678', email: 'maria@example.com', country: 'MX' },
    { name: 'Jorge Ramírez', phone: '+523387654321', email: 'jorge@example.com', country: 'MX' },
    { name: 'Camila Restrepo', phone: '+573001234567', email: 'camila@example.com', country: 'CO' },
    { name: 'Lucas Fernández', phone: '+5491123456789', email: 'lucas@example.com', country: 'AR' },
  ];
  const suppliers = [
    { name: 'Refacciones del Centro', phone: '+525598765432', email: 'ventas@refacciones.example' },
    { name: 'Lubricantes Andinos', phone: '+573107654321', email: 'pedidos@lubricantes.example' },
  ];
  const vehicles = [
    { plate: 'ABC-123-D', make: 'Nissan', model: 'Versa 2019' },
    { plate: 'JAL-456-E', make: 'Volkswagen', model: 'Jetta 2017' },
    { plate: 'BOG-789', make: 'Chevrolet', model: 'Spark 2020' },
    { plate: 'AE 123 CD', make: 'Toyota', model: 'Hilux 2021' },
  ];

  const customerDocs = [];
  for (const data of customers) {
    customerDocs.push(await strapi.documents('api::customer.customer').create({ data }));
  }
  const supplierDocs = [];
  for (const data of suppliers) {
    supplierDocs.push(await strapi.documents('api::supplier.supplier').create({ data }));
  }

  const statuses = ['IN_PROGRESS', 'COMPLETED', 'DRAFT', 'DELIVERED'] as const;
  const workOrderDocs = [];
  for (let i = 0; i < vehicles.length; i += 1) {
    const customer = customerDocs[i].documentId;
    const vehicle = await strapi.documents('api::vehicle.vehicle').create({
      data: { ...vehicles[i], customer },
    });
    const workOrder = await strapi.documents('api::work-order.work-order').create({
      data: { number: `OT-${1001 + i}`, state: statuses[i], customer, vehicle: vehicle.documentId },
    });
    workOrderDocs.push(workOrder);
    await strapi.documents('api::quote.quote').create({
      data: {
        number: `COT-${2001 + i}`,
        state: i === 0 ? 'SENT' : 'DRAFT',
        customer,
        workOrder: workOrder.documentId,
        lines: [
          { description: 'Cambio de aceite y filtro', quantity: 1, unitPrice: 850 },
          { description: 'Balatas delanteras', quantity: 1, unitPrice: 1200 },
        ],
        total: 2050,
      },
    });
  }

  // The sales team's follow-ups: one due tomorrow at 10:00, published (confirmed).
  const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000);
  tomorrow.setUTCHours(16, 0, 0, 0); // 10:00 in Mexico City
  await strapi.documents('api::activity.activity').create({
    data: { subject: 'Revisión de los 10,000 km', kind: 'APPOINTMENT', dueDate: tomorrow.toISOString(), customer: customerDocs[0].documentId },
    status: 'published',
  });

  for (let i = 0; i < supplierDocs.length; i += 1) {
    await strapi.documents('api::purchase-order.purchase-order').create({
      data: {
        number: `OC-${3001 + i}`,
        state: i === 0 ? 'SENT' : 'DRAFT',
        supplier: supplierDocs[i].documentId,
        lines: [{ description: 'Filtro de aceite', quantity: 10, unitPrice: 95 }],
        total: 950,
      },
    });
  }
  await seedDemoAutomations(strapi);
  await seedDemoConversations(strapi, customers, workOrderDocs[1].documentId);
  return true;
}

/**
 * Three inbox conversations in Spanish, so the Inbox screen is alive on a first look: Jorge
 * answered the "vehículo listo" message about work order OT-1002 (an open follow-up), María asked
 * about her brakes and was answered (assigned to the first administrator), and a new number wrote for
 * the first time (a new lead). The customers' messages go through sandbox mode's simulated reply,
 * the path a real webhook takes (contact, lead, conversation, unread count, follow-up); our
 * messages are written as the dispatcher and the provider's statuses would have left them (read,
 * delivered), since the sandbox sends but nobody reads. Only in sandbox mode: outside it,
 * customers' messages come from WhatsApp alone.
 */
async function seedDemoConversations(strapi: Core.Strapi, customers: Array<{ name: string; phone: string }>, workOrderId: string) {
  const plugin = strapi.plugin('whatsapp');
  if (!(await plugin.service('settings').isSandbox())) return;
  const sender = await plugin.service('senders').resolve();
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  const [maria, jorge] = customers;
  const contactOf = async (customer: { name: string; phone: string }) => (await plugin.service('contacts').findOrCreate(customer.phone, { name: customer.name, source: 'api' })).contact;
  const ours = async (contactId: number, to: string, at: Date, data: Record<string, unknown>) =>
    strapi.db.query('plugin::whatsapp.message').create({
      data: { direction: 'out', contactId, senderId: sender.id, to, from: sender.number, category: 'utility', channel: 'whatsapp', provider: sender.provider, providerMessageId: `demo-${contactId}-${at.getTime()}`, attempts: 1, dueAt: at, queuedAt: at, sentAt: at, deliveredAt: at, createdAt: at, updatedAt: at, ...data },
    });
  const customerWrites = (phone: string, body: string, at: Date, name?: string) => plugin.service('simulator').simulate({ phone, body, at, ...(name ? { name } : {}) });

  // Jorge: our message about his work order, read; his answer opens a follow-up for the team.
  const jorgeContact = await contactOf(jorge);
  await ours(jorgeContact.id, jorge.phone, ago(180), {
    templateName: 'vehiculo_listo',
    body: `Hola ${jorge.name}, tu Jetta 2017 con placas JAL-456-E ya está listo. Puedes pasar por él al taller. Orden OT-1002.`,
    deliveryStatus: 'read',
    readAt: ago(170),
    relatedType: 'api::work-order.work-order',
    relatedId: workOrderId,
  });
  await customerWrites(jorge.phone, '¡Gracias! Paso mañana a las 10. ¿Me pueden tener lista la factura?', ago(160));

  // María: asked about her brakes, was answered, and thanked; assigned to the first administrator.
  const mariaContact = await contactOf(maria);
  const asked = await customerWrites(maria.phone, 'Buenas tardes, ¿ya quedó la cotización de las balatas delanteras?', ago(300));
  const conversationId = asked.message?.conversationId ?? null;
  await ours(mariaContact.id, maria.phone, ago(290), {
    category: 'service',
    conversationId,
    body: 'Hola María, sí: la cotización COT-2001 es de $2,050 con aceite y balatas. Te la envío en PDF en un momento.',
    deliveryStatus: 'delivered',
  });
  await customerWrites(maria.phone, 'Perfecto, quedo atenta. ¡Gracias!', ago(280));
  const [admin] = await strapi.db.query('admin::user').findMany({ orderBy: { id: 'asc' }, limit: 1 });
  if (admin && conversationId) await plugin.service('inbox').assign(conversationId, admin.id);

  // A number nobody knows: a new lead, waiting for a first answer.
  await customerWrites('+525587654321', 'Hola, ¿hacen afinación a domicilio? Tengo un Aveo 2015.', ago(25), 'Ricardo Salinas');
}

/**
 * The workshop's three flows and the sales team's reminder, as rules an administrator can read
 * and change (Content Manager → WhatsApp automation), with their Spanish templates. Written after
 * the records, so seeding sends nothing; marking a work order COMPLETED in the admin does.
 */
async function seedDemoAutomations(strapi: Core.Strapi) {
  // The name and address printed on the quote and purchase-order PDFs.
  await strapi
    .plugin('whatsapp')
    .service('settings')
    .update({ businessName: 'Taller Mecánico Ruiz', businessAddress: 'Av. Revolución 1234, Col. San Ángel, CDMX', businessTaxId: 'TMR850101AB1' }, { email: 'demo-data' });
  const templates = strapi.plugin('whatsapp').service('templates');
  const automations = strapi.plugin('whatsapp').service('automations');
  await templates.create({
    name: 'vehiculo_listo',
    category: 'utility',
    body: 'Hola {{nombre}}, tu {{vehiculo}} con placas {{placa}} ya está listo. Puedes pasar por él al taller. Orden {{orden}}.',
  });
  await templates.create({
    name: 'cotizacion_enviada',
    category: 'utility',
    mediaHeader: 'document',
    body: 'Hola {{nombre}}, te enviamos la cotización {{numero}} por {{moneda total}}. Si tienes dudas, responde a este mensaje.',
  });
  await templates.create({
    name: 'orden_de_compra',
    category: 'utility',
    mediaHeader: 'document',
    body: 'Buen día {{proveedor}}, le enviamos la orden de compra {{numero}} por {{moneda total}}. ¿Nos confirma la fecha de entrega?',
  });
  await templates.create({
    name: 'recordatorio_actividad',
    category: 'utility',
    body: 'Hola {{nombre}}, te recordamos: {{asunto}}, el {{fecha cuando}} a las {{hora cuando}}. Responde a este mensaje si necesitas cambiarla.',
  });

  await automations.create({
    name: 'Vehículo listo',
    contentType: 'api::work-order.work-order',
    trigger: 'field-change',
    field: 'state',
    toValue: 'COMPLETED',
    recipient: 'customer.phone',
    template: 'vehiculo_listo',
    variables: { nombre: 'customer.name', vehiculo: 'vehicle.model', placa: 'vehicle.plate', orden: 'number' },
    writeBack: 'whatsappNotifiedAt',
  });
  await automations.create({
    name: 'Cotización enviada',
    contentType: 'api::quote.quote',
    trigger: 'field-change',
    field: 'state',
    toValue: 'SENT',
    recipient: 'customer.phone',
    template: 'cotizacion_enviada',
    variables: { nombre: 'customer.name', numero: 'number', total: 'total' },
    attachment: 'pdf',
    writeBack: 'whatsappNotifiedAt',
  });
  await automations.create({
    name: 'Orden de compra al proveedor',
    contentType: 'api::purchase-order.purchase-order',
    trigger: 'field-change',
    field: 'state',
    toValue: 'SENT',
    recipient: 'supplier.phone',
    template: 'orden_de_compra',
    variables: { proveedor: 'supplier.name', numero: 'number', total: 'total' },
    attachment: 'pdf',
    writeBack: 'whatsappNotifiedAt',
  });
  await automations.create({
    name: 'Recordatorio de actividad (un día antes, 09:00)',
    contentType: 'api::activity.activity',
    trigger: 'date',
    field: 'dueDate',
    offsetDays: -1,
    atTime: '09:00',
    conditions: [{ field: 'done', op: 'ne', value: true }],
    recipient: 'customer.phone',
    template: 'recordatorio_actividad',
    variables: { nombre: 'customer.name', asunto: 'subject', cuando: 'dueDate' },
    writeBack: 'whatsappNotifiedAt',
  });
}

/** The first administrator, from ADMIN_EMAIL / ADMIN_PASSWORD, when no administrator exists. */
export async function ensureFirstAdmin(strapi: Core.Strapi, email?: string, password?: string) {
  if (!email || !password) return false;
  const hasAdmin = await strapi.service('admin::user').exists();
  if (hasAdmin) return false;
  const superAdminRole = await strapi.service('admin::role').getSuperAdmin();
  if (!superAdminRole) return false;
  await strapi.service('admin::user').create({
    email,
    firstname: 'Admin',
    lastname: 'WhatsApp',
    password,
    registrationToken: null,
    isActive: true,
    roles: [superAdminRole.id],
  });
  return true;
}
