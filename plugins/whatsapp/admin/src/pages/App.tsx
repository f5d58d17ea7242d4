import { Page } from "@strapi/strapi/admin";
import { Routes, Route } from "react-router-dom";

import { HomePage } from "./HomePage";
import { InboxPage } from "./InboxPage";
import { ContactsImportPage } from "./ContactsImportPage";
import { ContactsPage } from "./ContactsPage";
import { CampaignsPage } from "./CampaignsPage";
import { CampaignPage } from "./CampaignPage";
import { CampaignEditPage } from "./CampaignEditPage";
import { TemplatesPage } from "./TemplatesPage";
import { TemplateEditPage } from "./TemplateEditPage";
import { SettingsPage } from "./SettingsPage";
import { MessagesPage } from "./MessagesPage";
import { AutomationsPage } from "./AutomationsPage";
import { AutomationEditPage } from "./AutomationEditPage";
import { NewMessagePage } from "./NewMessagePage";
import { PERMISSIONS } from "../constants";

const App = () => {
  return (
    <Routes>
      <Route index element={<HomePage />} />
      <Route path="inbox" element={<InboxPage />} />
      <Route
        path="contacts"
        element={
          <Page.Protect permissions={PERMISSIONS.manageContacts}>
            <ContactsPage />
          </Page.Protect>
        }
      />
      <Route
        path="contacts-import"
        element={
          <Page.Protect permissions={PERMISSIONS.manageContacts}>
            <ContactsImportPage />
          </Page.Protect>
        }
      />
      <Route
        path="campaigns"
        element={
          <Page.Protect permissions={PERMISSIONS.readCampaigns}>
            <CampaignsPage />
          </Page.Protect>
        }
      />
      <Route
        path="campaigns/new"
        element={
          <Page.Protect permissions={PERMISSIONS.manageCampaigns}>
            <CampaignEditPage />
          </Page.Protect>
        }
      />
      <Route
        path="campaigns/:id"
        element={
          <Page.Protect permissions={PERMISSIONS.readCampaigns}>
            <CampaignPage />
          </Page.Protect>
        }
      />
      <Route
        path="campaigns/:id/edit"
        element={
          <Page.Protect permissions={PERMISSIONS.manageCampaigns}>
            <CampaignEditPage />
          </Page.Protect>
        }
      />
      <Route
        path="templates"
        element={
          <Page.Protect permissions={PERMISSIONS.manageTemplates}>
            <TemplatesPage />
          </Page.Protect>
        }
      />
      <Route
        path="templates/:id"
        element={
          <Page.Protect permissions={PERMISSIONS.manageTemplates}>
            <TemplateEditPage />
          </Page.Protect>
        }
      />
      <Route
        path="automations"
        element={
          <Page.Protect permissions={PERMISSIONS.manageAutomations}>
            <AutomationsPage />
          </Page.Protect>
        }
      />
      <Route
        path="automations/new"
        element={
          <Page.Protect permissions={PERMISSIONS.manageAutomations}>
            <AutomationEditPage />
          </Page.Protect>
        }
      />
      <Route
        path="automations/:id"
        element={
          <Page.Protect permissions={PERMISSIONS.manageAutomations}>
            <AutomationEditPage />
          </Page.Protect>
        }
      />
      <Route
        path="messages"
        element={
          <Page.Protect permissions={PERMISSIONS.readMessages}>
            <MessagesPage />
          </Page.Protect>
        }
      />
      <Route
        path="messages/new"
        element={
          <Page.Protect permissions={PERMISSIONS.sendMessages}>
            <NewMessagePage />
          </Page.Protect>
        }
      />
      <Route
        path="settings"
        element={
          <Page.Protect permissions={PERMISSIONS.readSettings}>
            <SettingsPage />
          </Page.Protect>
        }
      />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  );
};

export default App;
