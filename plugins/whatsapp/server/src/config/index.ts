/**
 * Plugin configuration. Values come from environment variables (see `.env.example`); an
 * application may override them in `config/plugins.ts` under `whatsapp.config`.
 */
const bool = (value: string | undefined, fallback: boolean) =>
  value === undefined || value === '' ? fallback : ['true', '1', 'yes', 'on'].includes(value.toLowerCase());

export interface PluginConfig {
  /** Default of the sandbox toggle; on unless NODE_ENV=production. */
  sandbox: boolean;
}

export default {
  default: (): PluginConfig => ({
    sandbox: bool(process.env.WHATSAPP_SANDBOX, process.env.NODE_ENV !== 'production'),
  }),
  validator(config: PluginConfig) {
    if (typeof config.sandbox !== 'boolean') throw new Error('whatsapp.sandbox must be a boolean');
  },
};
