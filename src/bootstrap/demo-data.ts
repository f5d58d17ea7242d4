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
  for (let i = 0; i < vehicles.length; i += 1) {
    const customer = customerDocs[i].documentId;
    const vehicle = await strapi.documents('api::vehicle.vehicle').create({
      data: { ...vehicles[i], customer },
    });
    const workOrder = await strapi.documents('api::work-order.work-order').create({
      data: { number: `OT-${1001 + i}`, state: statuses[i], customer, vehicle: vehicle.documentId },
    });
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
  return true;
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
