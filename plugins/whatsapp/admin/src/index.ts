import { getTranslation } from "./utils/getTranslation";
import { PLUGIN_ID } from "./pluginId";
import { Initializer } from "./components/Initializer";
import { PluginIcon } from "./components/PluginIcon";
import { WhatsAppPanel } from "./components/record-panel/WhatsAppPanel";
import { PERMISSIONS } from "./constants";

import type { StrapiApp } from "@strapi/strapi/admin";

const plugin: StrapiApp["appPlugins"][string] = {
  register(app) {
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: PluginIcon,
      intlLabel: {
        id: `${PLUGIN_ID}.plugin.name`,
        defaultMessage: "WhatsApp",
      },
      Component: () => import("./pages/App"),
      // Shown to a role with any of the plugin's permissions (Strapi's menu checks "any of").
      permissions: Object.values(PERMISSIONS).flat(),
    });

    // Settings → WhatsApp: for administrators with either settings permission.
    app.addSettingsLink(
      {
        id: PLUGIN_ID,
        intlLabel: { id: `${PLUGIN_ID}.settings.section`, defaultMessage: "WhatsApp" },
      },
      {
        id: `${PLUGIN_ID}-settings`,
        to: PLUGIN_ID,
        intlLabel: { id: `${PLUGIN_ID}.settings.link`, defaultMessage: "Sending and business" },
        Component: () => import("./pages/SettingsPage"),
        permissions: PERMISSIONS.readSettings,
      },
    );

    app.registerPlugin({
      id: PLUGIN_ID,
      initializer: Initializer,
      isReady: false,
      name: PLUGIN_ID,
    });
  },

  bootstrap(app) {
    // The "WhatsApp" side panel of the Content Manager's edit view (business records only).
    const contentManager = app.getPlugin("content-manager") as unknown as {
      apis?: { addEditViewSidePanel?: (panels: unknown[]) => void };
    };
    contentManager?.apis?.addEditViewSidePanel?.([WhatsAppPanel]);
  },

  registerTrads({ locales }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = (await import(
            `./translations/${locale}.json`
          )) as {
            default: Record<string, string>;
          };

          const newData: Record<string, string> = {};
          const keys = Object.keys(data);

          for (const key of keys) {
            newData[getTranslation(key)] = data[key];
          }

          return { data: newData, locale };
        } catch {
          return { data: {}, locale };
        }
      }),
    );
  },
};

export default plugin;