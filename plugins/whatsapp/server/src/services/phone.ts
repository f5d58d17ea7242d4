import type { Core } from '@strapi/strapi';
import type { CountryCode } from 'libphonenumber-js';
import { normalizePhone, PhoneError } from '../lib/phone';
import { RuleError } from '../utils/errors';
import { getService } from '../utils';

/** Phone numbers in, E.164 out, read with the default country from the settings. */
const createPhoneService = ({ strapi: _strapi }: { strapi: Core.Strapi }) => ({
  async normalize(input: unknown, path = 'to'): Promise<string> {
    const { defaultCountry } = await getService('settings').get();
    try {
      return normalizePhone(String(input ?? ''), defaultCountry as CountryCode).e164;
    } catch (error) {
      if (error instanceof PhoneError) throw new RuleError(path, 'phone', error.message);
      throw error;
    }
  },
});

export type PhoneService = ReturnType<typeof createPhoneService>;
export default createPhoneService;
