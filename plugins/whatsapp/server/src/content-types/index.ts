import contact from './contact';
import consent from './consent';
import template from './template';
import sender from './sender';
import message from './message';
import attempt from './attempt';
import setting from './setting';
import auditEntry from './audit-entry';
import campaign from './campaign';
import webhookEvent from './webhook-event';
import conversation from './conversation';
import followUp from './follow-up';
import automation from './automation';
import automationRun from './automation-run';
import contactImport from './contact-import';
import alert from './alert';

export default {
  'contact': contact,
  'consent': consent,
  'template': template,
  'sender': sender,
  'message': message,
  'attempt': attempt,
  'setting': setting,
  'audit-entry': auditEntry,
  campaign,
  'webhook-event': webhookEvent,
  'conversation': conversation,
  'follow-up': followUp,
  automation,
  'automation-run': automationRun,
  'contact-import': contactImport,
  alert,
};
