/** The plugin's wire contracts (`strapi-plugin-whatsapp/shared`): the server's answers and the live events. */
export * from './contracts';
export * from './live-events';
export * from './campaigns';
export * from './automations';
