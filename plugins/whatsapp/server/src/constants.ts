export const PLUGIN_ID = 'whatsapp' as const;
