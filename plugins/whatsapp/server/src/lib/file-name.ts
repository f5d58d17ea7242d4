/**
 * File names in HTTP headers. Node refuses a header with characters beyond Latin-1 and writes
 * Latin-1 as raw bytes, so a library file called `cotización ñ.pdf` needs RFC 6266 / RFC 5987:
 * an ASCII `filename="…"` for old clients and `filename*=UTF-8''…` with the real name.
 */
import contentDisposition from 'content-disposition';

/**
 * The file name as plain ASCII: accents dropped (`cotización ñ.pdf` → `cotizacion n.pdf`),
 * anything else non-printable or non-ASCII replaced by `_`.
 */
export const asciiFileName = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/gu, '_')
    .trim() || 'file';

/** `inline; filename="…"`, plus `filename*=UTF-8''…` when the name is not plain ASCII. Never throws. */
export const inlineDisposition = (name: unknown): string => {
  // Control characters have no place in a name (and are not allowed in a header); a slash would
  // make content-disposition keep only what follows it.
  const full =
    Array.from(String(name ?? ''))
      .filter((character) => character.charCodeAt(0) > 0x1f && character !== '\u007f')
      .join('')
      .replace(/[/\\]/g, '_')
      .trim() || 'file';
  return contentDisposition(full, { type: 'inline', fallback: asciiFileName(full) });
};
