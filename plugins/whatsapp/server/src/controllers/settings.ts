import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ACTIONS } from '../constants';
import { getService, handle } from '../utils';
import { settingsSchema, validateData } from '../validation';
import type { Settings } from '../services/settings';

/**
 * The settings as this route reads and writes them: the campaign price table has its own route
 * (`/settings/prices`, replaced whole and validated there), so what GET answers PUT takes back.
 */
const editable = ({ priceTable: _prices, ...settings }: Settings) => settings;

export default ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async show(ctx: any) {
    ctx.body = { data: editable(await getService('settings').get()) };
  },

  /**
   * Changing sandbox mode needs the "toggle sandbox" permission; everything else "manage
   * settings". Every change is audited with the administrator who made it. Switching sandbox
   * off without a configured provider that answers is refused: 422 naming `sandbox`.
   */
  async update(ctx: any) {
    const data = await validateData<Partial<Settings>>(settingsSchema, ctx.request.body);
    const ability = ctx.state.userAbility;
    const needs = [
      ...('sandbox' in data ? [ACTIONS.toggleSandbox] : []),
      ...(Object.keys(data).some((k) => k !== 'sandbox') ? [ACTIONS.manageSettings] : []),
    ];
    const missing = needs.filter((action) => !ability?.can(action));
    if (missing.length) throw new errors.ForbiddenError(`Missing permission: ${missing.join(', ')}`);
    const user = ctx.state.user;
    const settings = await handle(() => getService('settings').update(data, { id: user?.id, email: user?.email }));
    ctx.body = { data: editable(settings) };
  },

  async audit(ctx: any) {
    const entries = await getService('settings').audit({ limit: 100 });
    ctx.body = { data: entries };
  },
});
