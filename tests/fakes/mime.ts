/**
 * Reads the mails the SMTP fake receives with mailparser (nodemailer's own parser): headers with
 * RFC 2047 encoded words decoded, and the text and HTML bodies with their transfer encoding
 * (quoted-printable, base64) and charset undone. Nodemailer encodes non-ASCII subjects and
 * bodies, so without this a test could not read "Café" back.
 */
import { simpleParser, type HeaderValue } from 'mailparser';

export interface ParsedMail {
  /** Lower-cased header names, decoded values (structured headers written back as text). */
  headers: Record<string, string>;
  subject: string;
  text: string | null;
  html: string | null;
}

const headerText = (value: HeaderValue): string => {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => headerText(item as HeaderValue)).join(', ');
  if (value && typeof value === 'object') {
    if ('text' in value && typeof value.text === 'string') return value.text; // addresses
    if ('value' in value && typeof value.value === 'string') {
      // Content-Type, Content-Disposition: the value and its parameters.
      const params = 'params' in value && value.params ? Object.entries(value.params as Record<string, string>) : [];
      return [value.value, ...params.map(([key, param]) => `${key}=${param}`)].join('; ');
    }
  }
  return String(value);
};

/** Parses one message as received after DATA (CRLF line ends, dot-unstuffed). */
export async function parseMail(raw: string): Promise<ParsedMail> {
  // The CRLF before the terminating "." belongs to the SMTP framing, not to the text.
  const parsed = await simpleParser(raw.replace(/\r\n$/, ''), { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const headers: Record<string, string> = {};
  for (const [name, value] of parsed.headers) headers[name.toLowerCase()] = headerText(value);
  const text = typeof parsed.text === 'string' ? parsed.text.replace(/\r?\n$/, '') : null;
  const html = typeof parsed.html === 'string' ? parsed.html.replace(/\r?\n$/, '') : null;
  return { headers, subject: parsed.subject ?? '', text, html };
}
