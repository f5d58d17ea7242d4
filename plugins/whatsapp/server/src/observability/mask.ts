/**
 * A phone number as a log line may show it: the country code and the first digits (enough to
 * tell a market or a carrier), the last four (enough to find the person with their own number in
 * hand), the rest hidden. `+5215512345678` → `+52155****5678`. Anything that is not a number of
 * at least eight digits (a Meta business-scoped id, an email, nothing) is hidden whole.
 */
export const maskPhone = (value: string | null | undefined): string => {
  if (!value) return '-';
  const raw = String(value).replace(/^whatsapp:/, '').replace(/[\s().-]/g, '');
  if (!/^\+?\d{8,}$/.test(raw)) return '****';
  const plus = raw.startsWith('+') ? '+' : '';
  const digits = raw.slice(plus.length);
  // Short numbers keep fewer leading digits, so at least four are always hidden.
  const head = Math.max(0, Math.min(5, digits.length - 8));
  return `${plus}${digits.slice(0, head)}****${digits.slice(-4)}`;
};

/**
 * One log line of `key=value` pairs, in a fixed order, values without spaces (a value with
 * spaces is quoted): easy to grep and to parse into fields. Null and undefined read as `-`.
 */
export const logLine = (event: string, fields: Record<string, string | number | null | undefined>): string =>
  `[whatsapp] ${event} ${Object.entries(fields)
    .map(([key, value]) => {
      const text = value === null || value === undefined || value === '' ? '-' : String(value);
      return `${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
    })
    .join(' ')}`;
