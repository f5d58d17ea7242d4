/**
 * The standard PDF fonts (Helvetica, used so no font file ships with the plugin) only cover the
 * WinAnsi code page: Latin-1 plus a few typographic characters (€, –, “ ”, …, •, ™, Œ, Š…).
 * pdfkit writes any other character as a broken code (or nothing), so text goes through
 * `toWinAnsi` first: accented letters, ñ, ¿¡ and € stay as they are; a letter with an accent
 * WinAnsi lacks (ő, ł) loses the accent; spaces Intl puts in numbers (U+202F) become plain
 * spaces; anything else (emoji, CJK) becomes `?`, one per character, never a crash.
 */

/** The Unicode characters WinAnsi has in 0x80–0x9F (the rest of it is Latin-1 as is). */
const WIN_ANSI_EXTRA = new Set([
  0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192, 0x02c6, 0x02dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c, 0x201d,
  0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

/** Look-alikes for characters Intl and word processors produce that WinAnsi does not have. */
const SUBSTITUTES: Record<number, string> = {
  0x2009: ' ', // thin space
  0x200a: ' ',
  0x2007: ' ', // figure space
  0x202f: '\u00a0', // narrow no-break space (fr-FR and others group digits with it)
  0x2212: '-', // minus sign (some locales format negatives with it)
  0x2010: '-',
  0x2011: '-',
  0x2032: "'",
  0x2033: '"',
  0x200b: '', // zero-width space, joiner, non-joiner, variation selectors: invisible, dropped
  0x200c: '',
  0x200d: '',
  0xfe0e: '',
  0xfe0f: '',
  // Letters with a stroke have no decomposition to strip: their base letter by hand.
  0x0141: 'L',
  0x0142: 'l',
  0x0110: 'D',
  0x0111: 'd',
  0x0131: 'i',
};

const isWinAnsi = (code: number) => (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code);

/** One character (a code point) as WinAnsi can print it. */
const printable = (char: string): string => {
  const code = char.codePointAt(0)!;
  if (isWinAnsi(code) || char === '\n') return char;
  if (char === '\t' || char === '\r') return char === '\t' ? ' ' : '';
  if (code in SUBSTITUTES) return SUBSTITUTES[code];
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return '';
  // A letter with a mark WinAnsi lacks: the letter without it (NFD splits ő into o + ˝).
  const base = char.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  if (base && Array.from(base).every((c) => isWinAnsi(c.codePointAt(0)!))) return base;
  return '?';
};

/** `text` with every character WinAnsi cannot print replaced (see above); newlines kept. */
export function toWinAnsi(text: string): string {
  // NFC first: an "é" typed as e + combining accent is one WinAnsi character.
  let out = '';
  for (const char of text.normalize('NFC')) out += printable(char);
  return out;
}
