import { Page } from "@strapi/strapi/admin";
import { Routes, Route } from "react-router-dom";

import { HomePage } from "./HomePage";
import { InboxPage } from "./InboxPage";
import { ContactsImportPage } from "./ContactsImportPage";
import { PERMISSIONS } from "../constants";

const App = () => {
  return (
    <Routes>
      <Route index element={<HomePage />} />
      <Route path="inbox" element={<InboxPage />} />
      <Route
        path="contacts-import"
        element={
          <Page.Protect permissions={PERMISSIONS.manageContacts}>
            <ContactsImportPage />
          </Page.Protect>
        }
      />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  );
};

export default App;
