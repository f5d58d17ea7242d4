import contact from './contact';
import consent from './consent';
import template from './template';
import sender from './sender';
import message from './message';
import attempt from './attempt';
import setting from './setting';
import auditEntry from './audit-entry';

export default {
  'contact': contact,
  'consent': consent,
  'template': template,
  'sender': sender,
  'message': message,
  'attempt': attempt,
  'setting': setting,
  'audit-entry': auditEntry,
};
