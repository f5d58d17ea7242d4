import fc from 'fast-check';
import { csvCell, csvLine } from '../../../shared/csv';

/** RFC 4180 read back: one line of cells, quoted cells unquoted (what a spreadsheet sees before it decides formula or text). */
const readLine = (line: string): string[] => {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let cell = '';
      i += 1;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (line[i] === '"') break;
        else {
          cell += line[i];
          i += 1;
        }
      }
      cells.push(cell);
      i += 1;
    } else {
      const end = line.slice(i).search(/,|\r\n$/);
      cells.push(line.slice(i, i + end));
      i += end;
    }
    if (line.slice(i) === '\r\n') return cells;
    i += 1; // the comma
  }
};

const TRIGGERS = ['=', '+', '-', '@', '\t', '\r', '\0'];

describe('CSV cells (shared/csv.ts): never a live formula, always read back as written', () => {
  it('OWASP and ASVS 1.2.10: a value starting with = + - @ tab CR or NUL starts with an apostrophe', () => {
    expect(['=1+1', '+5215512345678', '-2', '@SUM(A1)', '\t=1', '\r=1', '\0=1'].map(csvCell)).toEqual([
      "'=1+1",
      "'+5215512345678",
      "'-2",
      "'@SUM(A1)",
      "'\t=1",
      '"\'\r=1"',
      "'\0=1",
    ]);
    expect(csvCell('=HYPERLINK("http://evil.example","clic")')).toBe('"\'=HYPERLINK(""http://evil.example"",""clic"")"');
    expect([null, undefined, '', 'Ana', 3, new Date(0)].map(csvCell)).toEqual(['', '', '', 'Ana', '3', '1970-01-01T00:00:00.000Z']);
    expect(csvCell('a;b')).toBe('"a;b"');
  });

  it('any text: the cell read back is the text, with one apostrophe before a formula start; no cell read back starts a formula', () => {
    const cellText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.tuple(fc.constantFrom(...TRIGGERS), fc.string({ maxLength: 12 })).map(([start, rest]) => start + rest),
      fc.constantFrom('"', '""', ',', '\r\n', ';', "'=1")
    );
    fc.assert(
      fc.property(fc.array(cellText, { minLength: 1, maxLength: 5 }), (texts) => {
        const read = readLine(csvLine(texts));
        expect(read).toEqual(texts.map((t) => (TRIGGERS.includes(t[0]) ? `'${t}` : t)));
        for (const cell of read) expect(cell).not.toMatch(/^[=+\-@\t\r\0]/);
      }),
      { numRuns: 500 }
    );
  });
});
