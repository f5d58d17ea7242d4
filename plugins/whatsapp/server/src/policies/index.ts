import twilioSignature from './twilio-signature';
import metaSignature from './meta-signature';

export default {
  'twilio-signature': twilioSignature,
  'meta-signature': metaSignature,
};
