import { Message } from "@strapi/icons";

const PluginIcon = () => <Message />;

export { PluginIcon };