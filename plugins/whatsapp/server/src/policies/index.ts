import twilioSignature from './twilio-signature';
import metaSignature from './meta-signature';
import contentManagerAccess from './content-manager-access';
import hasAnyPermission from './has-any-permission';

export default {
  'twilio-signature': twilioSignature,
  'meta-signature': metaSignature,
  'content-manager-access': contentManagerAccess,
  'has-any-permission': hasAnyPermission,
};
