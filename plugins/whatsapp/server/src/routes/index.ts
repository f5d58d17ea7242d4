import admin from './admin';
import contentApi from './content-api';
import webhooks from './webhooks';
import inbox from './inbox';

export default {
  admin,
  'content-api': contentApi,
  webhooks,
  inbox,
};
