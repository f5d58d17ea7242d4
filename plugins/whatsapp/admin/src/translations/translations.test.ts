import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

import type { MessageStatus } from '../../../shared/contracts';
import type { mediaNotice } from '../inbox/format';

/**
 * The admin's translations: English and Spanish have the same keys and placeholders, and every key
 * the screens ask for (`t('inbox.title', …)`, `getTranslation('home.title')`) exists in both.
 */
const SRC = join(__dirname, '..');
const read = (locale: string): Record<string, string> => JSON.parse(readFileSync(join(__dirname, `${locale}.json`), 'utf8'));
const en = read('en');
const es = read('es');

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
const code = sources(SRC).map((file) => ({ file: file.slice(SRC.length + 1), text: readFileSync(file, 'utf8') }));

/** The first segments of the keys (home, inbox, plugin): a quoted string starting with one is a key. */
const namespaces = [...new Set(Object.keys(en).map((key) => key.split('.')[0]))];
const keyLiteral = new RegExp(`['"]((?:${namespaces.join('|')})\\.[\\w.-]+)['"]`, 'g');
const literalKeys = code.flatMap(({ file, text }) =>
  [...text.matchAll(keyLiteral), ...text.matchAll(/`\$\{PLUGIN_ID\}\.([\w.-]+)`/g)].map((m) => ({ file, key: m[1] }))
);

/** Keys built at run time (`inbox.status.${…}`): every value the code can produce. */
const statuses: Record<MessageStatus, true> = {
  scheduled: true,
  queued: true,
  sending: true,
  sent: true,
  delivered: true,
  read: true,
  failed: true,
  cancelled: true,
  undeliverable: true,
  unknown: true,
  received: true,
};
const notices: Record<NonNullable<ReturnType<typeof mediaNotice>>, true> = { pending: true, 'too-large': true, failed: true };
const mediaKinds = ['image', 'video', 'audio', 'document', 'sticker', 'location', 'button', 'interactive', 'reaction', 'other'];
const dynamicKeys = [
  ...Object.keys(statuses).map((s) => `inbox.status.${s}`),
  ...Object.keys(notices).map((n) => `inbox.media.notice.${n}`),
  ...mediaKinds.map((k) => `inbox.media.${k}`),
];

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)/g)].map((m) => m[1]).sort();

describe('admin translations', () => {
  it('English and Spanish have the same keys, each with a text and the same placeholders', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) {
      expect({ key, en: en[key].trim() !== '', es: es[key]?.trim() !== '' }).toEqual({ key, en: true, es: true });
      expect({ key, placeholders: placeholders(es[key] ?? '') }).toEqual({ key, placeholders: placeholders(en[key]) });
    }
  });

  it('every key the screens use exists in both languages', () => {
    expect(literalKeys.length).toBeGreaterThan(50);
    const missing = [...literalKeys, ...dynamicKeys.map((key) => ({ file: '(built at run time)', key }))].filter(({ key }) => !(key in en) || !(key in es));
    expect(missing).toEqual([]);
  });

  it('the only dynamic keys are the families listed here', () => {
    const built = code.flatMap(({ file, text }) => [...text.matchAll(/\bt\(\s*`([^`]+)`/g)].map((m) => `${file}: ${m[1]}`));
    expect(built.sort()).toEqual([
      'components/inbox/MessageBubble.tsx: inbox.media.${media.kind}',
      'components/inbox/MessageBubble.tsx: inbox.media.notice.${notice}',
      'components/inbox/MessageBubble.tsx: inbox.status.${tick.label}',
      'components/record-panel/RecordPanelContent.tsx: inbox.status.${tick.label}',
    ]);
  });

  it('the English default written beside a key in the code is the English translation', () => {
    const pairs = code.flatMap(({ file, text }) =>
      [...text.matchAll(/\bt\(\s*'([^']+)',\s*'((?:[^'\\]|\\.)*)'/g)].map((m) => ({ file, key: m[1], default: m[2].replace(/\\'/g, "'") }))
    );
    expect(pairs.length).toBeGreaterThan(40);
    expect(pairs.filter((p) => en[p.key] !== p.default)).toEqual([]);
  });
});
