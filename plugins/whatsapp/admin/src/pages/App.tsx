import { Page } from "@strapi/strapi/admin";
import { Routes, Route } from "react-router-dom";

import { HomePage } from "./HomePage";
import { InboxPage } from "./InboxPage";

const App = () => {
  return (
    <Routes>
      <Route index element={<HomePage />} />
      <Route path="inbox" element={<InboxPage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  );
};

export default App;
