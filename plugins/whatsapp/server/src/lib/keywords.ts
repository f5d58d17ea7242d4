/**
 * Opt-out / opt-in keywords in replies. A reply is a keyword only when it is nothing else: case,
 * accents, surrounding spaces and punctuation do not matter (" Baja ", "stop", "No más", "NO MAS!"
 * all match), but "no me des de baja" is a sentence, not a keyword.
 */

/** `" ¡No Más! "` → `"NO MAS"`: accents folded, punctuation and symbols dropped, spaces squeezed. */
export function normalizeKeyword(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export type KeywordMatch = 'opt-out' | 'opt-in';

/**
 * Which list the reply matches, if any. `candidates` are what the customer typed and, for a
 * quick-reply button, its payload. Opt-out wins if a text is somehow in both lists.
 */
export function matchKeyword(candidates: string[], optOut: string[], optIn: string[]): KeywordMatch | null {
  const texts = new Set(candidates.map(normalizeKeyword).filter(Boolean));
  if (texts.size === 0) return null;
  const has = (keywords: string[]) => keywords.some((keyword) => texts.has(normalizeKeyword(keyword)));
  if (has(optOut)) return 'opt-out';
  if (has(optIn)) return 'opt-in';
  return null;
}
