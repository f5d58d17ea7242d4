import health from './health';
import settings from './settings';
import phone from './phone';
import contacts from './contacts';
import contactImport from './contact-import';
import contactImports from './contact-imports';
import consent from './consent';
import templates from './templates';
import templateSync from './template-sync';
import senders from './senders';
import senderHealth from './sender-health';
import media from './media';
import messages from './messages';
import queue from '../queue';
import providers from './providers';
import dispatcher from './dispatcher';
import scheduler from './scheduler';
import live from './live';
import webhooks from './webhooks';
import inbound from './inbound';
import inboundMedia from './inbound-media';
import inbox from './inbox';
import automations from './automations';
import automationRuns from './automation-runs';
import recordPdf from './record-pdf';
import campaigns from './campaigns';
import prices from './prices';
import simulator from './simulator';
import dashboard from './dashboard';
import privacy from './privacy';
import retention from './retention';
import metrics from './metrics';
import alerts from './alerts';

export default {
  health,
  settings,
  phone,
  contacts,
  contactImport,
  contactImports,
  consent,
  templates,
  templateSync,
  senders,
  senderHealth,
  media,
  messages,
  queue,
  providers,
  dispatcher,
  scheduler,
  live,
  webhooks,
  inbound,
  inboundMedia,
  inbox,
  automations,
  automationRuns,
  recordPdf,
  campaigns,
  prices,
  simulator,
  dashboard,
  privacy,
  retention,
  metrics,
  alerts,
};
