import health from './health';
import messages from './messages';
import templates from './templates';
import contacts from './contacts';
import settings from './settings';
import media from './media';
import webhooks from './webhooks';
import inbox from './inbox';
import automations from './automations';
import campaigns from './campaigns';
import prices from './prices';
import senders from './senders';
import dashboard from './dashboard';
import metrics from './metrics';

export default {
  health,
  messages,
  templates,
  contacts,
  settings,
  media,
  webhooks,
  inbox,
  automations,
  campaigns,
  prices,
  senders,
  dashboard,
  metrics,
};
