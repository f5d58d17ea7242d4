import type { Core } from '@strapi/strapi';
import { registerGraphql } from './graphql';
import { registerDocumentGate } from './gate/documents';
import { guardContentManagerRoutes, revokeWhenDefaultRolesAreCreated } from './gate/content-manager';
import { registerAutomationHook } from './automations/hook';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Every write of the plugin's types passes the same rules, whichever door it came through.
  registerDocumentGate(strapi);
  // The Content Manager shows our types only to roles holding the plugin's permissions.
  guardContentManagerRoutes(strapi);
  revokeWhenDefaultRolesAreCreated(strapi);
  // Saves of business records fire the automations written for their type.
  registerAutomationHook(strapi);

  if (strapi.plugin('graphql')) registerGraphql(strapi);
};

export default register;
