import { ACTIONS, UID } from '../constants';

/**
 * Who may open the plugin's types in the Content Manager. Strapi's default Editor and Author
 * roles hold Content Manager permissions on every type that existed when they were created, ours
 * included; that alone must not show an Editor every customer message or let an Author add a
 * sending number. So on top of the Content Manager's own permission, each of our types asks for
 * the plugin permission that guards the same data on the plugin's screens and admin API
 * (Settings → Roles → Plugins → WhatsApp). Sending numbers, settings, raw webhook payloads,
 * the audit trail and provider attempts are for the Super Admin only.
 */
export const SUPER_ADMIN_ONLY = 'super-admin';

type Rule = { read: string; write: string };
const same = (action: string): Rule => ({ read: action, write: action });

export const CONTENT_MANAGER_ACCESS: Record<string, Rule> = {
  [UID.contact]: same(ACTIONS.manageContacts),
  [UID.consent]: same(ACTIONS.manageContacts),
  [UID.template]: same(ACTIONS.manageTemplates),
  [UID.message]: same(ACTIONS.readMessages),
  [UID.conversation]: { read: ACTIONS.readInbox, write: ACTIONS.replyInbox },
  [UID.followUp]: { read: ACTIONS.readInbox, write: ACTIONS.replyInbox },
  [UID.campaign]: { read: ACTIONS.manageCampaigns, write: ACTIONS.manageCampaigns },
  [UID.automation]: same(ACTIONS.manageAutomations),
  [UID.automationRun]: { read: ACTIONS.manageAutomations, write: SUPER_ADMIN_ONLY },
  [UID.contactImport]: { read: ACTIONS.manageContacts, write: SUPER_ADMIN_ONLY },
  [UID.sender]: same(SUPER_ADMIN_ONLY),
  [UID.setting]: same(SUPER_ADMIN_ONLY),
  [UID.webhookEvent]: same(SUPER_ADMIN_ONLY),
  [UID.auditEntry]: same(SUPER_ADMIN_ONLY),
  [UID.attempt]: same(SUPER_ADMIN_ONLY),
};

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The type a Content Manager request is about: `:model` in the path, or `?contentType=` (history). */
const modelOf = (ctx: any): string | undefined => ctx.params?.model ?? ctx.params?.uid ?? ctx.query?.contentType;

const isSuperAdmin = (user: any) => Array.isArray(user?.roles) && user.roles.some((role: any) => role?.code === 'strapi-super-admin');

/**
 * Added to every Content Manager route that names a type (see gate/content-manager.ts); other
 * types pass untouched. Answers 403 (PolicyError) when the caller lacks the plugin permission.
 */
const contentManagerAccess = (ctx: any) => {
  const model = modelOf(ctx);
  const rule = model ? CONTENT_MANAGER_ACCESS[model] : undefined;
  if (!rule) return true;
  const user = ctx.state?.user;
  if (isSuperAdmin(user)) return true;
  const action = READS.has(String(ctx.request?.method ?? ctx.method).toUpperCase()) ? rule.read : rule.write;
  if (action === SUPER_ADMIN_ONLY) return false;
  return Boolean(ctx.state?.userAbility?.can(action));
};

export default contentManagerAccess;
