/**
 * Admin routes open to holders of any one of several plugin permissions (Strapi's
 * `admin::hasPermissions` asks for all of them): reading the settings needs either "Toggle
 * sandbox mode" or "Change settings".
 */
const hasAnyPermission = (ctx: any, config: { actions?: string[] }) => {
  const ability = ctx.state?.userAbility;
  return Boolean(ability && (config.actions ?? []).some((action) => ability.can(action)));
};

export default hasAnyPermission;
