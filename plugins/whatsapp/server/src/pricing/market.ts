/**
 * The recipient's market: Meta prices a template message by the country calling code of the
 * number it is delivered to. libphonenumber resolves codes shared by several countries (+1: the
 * United States, Canada, the Dominican Republic, Jamaica, Puerto Rico…; +7: Russia and
 * Kazakhstan) by the number's own ranges, which is how Meta's rate card splits them too.
 *
 * Read once per message, when the campaign's fan-out writes it (a few microseconds a number), and
 * stored on the message row, so the cost of a campaign is one grouped query however many
 * recipients it has.
 */
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';

/** ISO 3166 alpha-2 country of an E.164 number; null for anything else (a WhatsApp user id). */
export const countryOfPhone = (phone: string | null | undefined): string | null => {
  if (typeof phone !== 'string' || !phone.startsWith('+')) return null;
  try {
    return parsePhoneNumberWithError(phone).country ?? null;
  } catch {
    return null;
  }
};
