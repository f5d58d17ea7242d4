/**
 * Just enough MIME reading for tests to assert on the mails the SMTP fake receives: headers
 * (unfolded, RFC 2047 encoded words decoded), and the first text/plain and text/html parts
 * with their transfer encoding (quoted-printable, base64) undone. Nodemailer encodes
 * non-ASCII subjects and bodies, so without this a test could not read "Café" back.
 */

export interface ParsedMail {
  /** Lower-cased header names; the first occurrence wins. Values decoded. */
  headers: Record<string, string>;
  subject: string;
  text: string | null;
  html: string | null;
}

export function parseMail(raw: string): ParsedMail {
  // The CRLF before the terminating "." belongs to the SMTP framing, not to the text.
  const { headers, body } = splitEntity(raw.replace(/\r\n$/, ''));
  const found: { text: string | null; html: string | null } = { text: null, html: null };
  collectBodies(headers, body, found, 0);
  return { headers, subject: headers.subject ?? '', text: found.text, html: found.html };
}

function splitEntity(raw: string): { headers: Record<string, string>; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeEncodedWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function collectBodies(
  headers: Record<string, string>,
  body: string,
  found: { text: string | null; html: string | null },
  depth: number,
): void {
  const contentType = (headers['content-type'] ?? 'text/plain').toLowerCase();
  if (contentType.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
    if (!boundary || depth > 5) return;
    const parts = body.split(`--${boundary}`);
    // parts[0] is the preamble; the last one starts with "--" (the closing delimiter).
    for (const part of parts.slice(1)) {
      if (part.startsWith('--')) break;
      const entity = splitEntity(part.replace(/^\r?\n/, ''));
      collectBodies(entity.headers, entity.body.replace(/\r?\n$/, ''), found, depth + 1);
    }
    return;
  }
  if (/^attachment/i.test(headers['content-disposition'] ?? '')) return;
  const charset = /charset="?([^";]+)"?/i.exec(contentType)?.[1] ?? 'utf-8';
  const decoded = decodeTransfer(body, headers['content-transfer-encoding'] ?? '7bit', charset);
  if (contentType.startsWith('text/plain') && found.text === null) found.text = decoded;
  if (contentType.startsWith('text/html') && found.html === null) found.html = decoded;
}

function decodeTransfer(body: string, encoding: string, charset: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return decodeBytes(Buffer.from(body.replace(/\s+/g, ''), 'base64'), charset);
    case 'quoted-printable':
      return decodeBytes(quotedPrintableBytes(body.replace(/=\r?\n/g, '')), charset);
    default:
      return body;
  }
}

function quotedPrintableBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      // Quoted-printable text is ASCII; anything else passes through as UTF-8.
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function decodeBytes(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** RFC 2047: `=?UTF-8?Q?Caf=C3=A9?=` / `=?UTF-8?B?Q2Fmw6k=?=`; whitespace between encoded words is dropped. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_match, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : quotedPrintableBytes(text.replace(/_/g, ' '));
      return decodeBytes(bytes, charset.replace(/\*.*$/, ''));
    });
}
