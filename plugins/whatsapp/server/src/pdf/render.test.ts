import { computeTotals, renderPdf, type PdfDocument } from './render';
import { toWinAnsi } from './winansi';
import { pdfText } from './test-support/pdf-text';

/** A 2×2 PNG, for the logo. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4z8DwnwGMgRQAH+4D/dJQfRoAAAAASUVORK5CYII=', 'base64');

const quote = (overrides: Partial<PdfDocument> = {}): PdfDocument => ({
  title: 'Cotización',
  number: 'COT-2026-0042',
  date: new Date('2026-03-03T18:00:00Z'),
  locale: 'es-MX',
  currency: 'MXN',
  timeZone: 'America/Mexico_City',
  business: { name: 'Taller Mecánico Núñez', address: 'Av. Insurgentes Sur 1234\nCiudad de México', taxId: 'TMN010101AB1' },
  party: { label: 'Cliente', name: 'José Peña Ibáñez', phone: '+52 55 1234 5678', email: 'jose@example.com' },
  lines: [
    { description: 'Cambio de aceite sintético', quantity: 1, unitPrice: 600 },
    { description: 'Filtro de aceite', quantity: 2, unitPrice: 200 },
  ],
  taxRate: 16,
  total: null,
  notes: 'Válida por 15 días. Precios en pesos mexicanos.',
  ...overrides,
});

/** pdf.js reads the no-break space Intl puts in some amounts ("$ 1.160,00") as such: compare on plain spaces. */
const plain = (text: string) => text.replace(/\u00a0/g, ' ');

describe('renderPdf', () => {
  it('prints the business, title, number, date, customer, lines and totals for es-MX', async () => {
    const pdf = await renderPdf(quote({ business: { ...quote().business, logo: PNG } }));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, pages } = await pdfText(pdf);
    expect(pages).toBe(1);
    for (const expected of [
      'Taller Mecánico Núñez',
      'RFC: TMN010101AB1',
      'Ciudad de México',
      'Cotización',
      'COT-2026-0042',
      '3 de marzo de 2026',
      'CLIENTE',
      'José Peña Ibáñez',
      '+52 55 1234 5678',
      'Descripción',
      'Cambio de aceite sintético',
      'Subtotal $1,000.00',
      'IVA 16 % $160.00',
      'Total $1,160.00',
      'Válida por 15 días',
    ]) {
      expect(text).toContain(expected);
    }
    // Amount per line: 2 × $200.00.
    expect(text).toMatch(/Filtro de aceite 2 \$200\.00 \$400\.00/);
  });

  it('shows the record’s own total when it has one', async () => {
    const { text } = await pdfText(await renderPdf(quote({ total: 1100 })));
    expect(text).toContain('Subtotal $1,000.00');
    expect(text).toContain('Total $1,100.00');
    expect(text).not.toContain('$1,160.00');
  });

  it('formats money, dates and labels for the locale', async () => {
    const ar = plain((await pdfText(await renderPdf(quote({ locale: 'es-AR', currency: 'ARS', timeZone: 'America/Argentina/Buenos_Aires' })))).text);
    expect(ar).toContain('Total $ 1.160,00');
    expect(ar).toContain('IVA 16 %');
    expect(ar).toContain('CUIT: TMN010101AB1');

    const en = (await pdfText(await renderPdf(quote({ title: 'Quote', locale: 'en-US', currency: 'USD', taxRate: 8.25, party: { label: 'Customer', name: 'Ann Lee' } })))).text;
    expect(en).toContain('March 3, 2026');
    expect(en).toContain('Tax 8.25% $82.50');
    expect(en).toContain('Total $1,082.50');
    expect(en).toContain('Unit price');

    const es = plain((await pdfText(await renderPdf(quote({ locale: 'es-ES', currency: 'EUR', timeZone: 'Europe/Madrid' })))).text);
    // € is in WinAnsi: it prints as itself.
    expect(es).toContain('Total 1160,00 €');
  });

  it('shows the date in the business’s time zone', async () => {
    // 02:00 UTC on 4 March is still 3 March in Mexico City.
    const { text } = await pdfText(await renderPdf(quote({ date: new Date('2026-03-04T02:00:00Z') })));
    expect(text).toContain('3 de marzo de 2026');
  });

  it('leaves the tax line out when there is no tax rate', async () => {
    const { text } = await pdfText(await renderPdf(quote({ taxRate: null })));
    expect(text).not.toContain('IVA');
    expect(text).toContain('Total $1,000.00');
  });

  it('shows a line without a price as such, and counts it as nothing', async () => {
    const { text } = await pdfText(await renderPdf(quote({ lines: [...quote().lines, { description: 'Diagnóstico de cortesía', quantity: 1, unitPrice: null }] })));
    expect(text).toMatch(/Diagnóstico de cortesía 1 - -/);
    expect(text).toContain('Total $1,160.00');
  });

  it('goes on to further pages for many lines, repeating the table header and numbering pages', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({ description: `Refacción número ${i + 1}`, quantity: 1, unitPrice: 10 }));
    const { text, pages, pageTexts } = await pdfText(await renderPdf(quote({ lines })));
    expect(pages).toBeGreaterThan(1);
    for (let i = 1; i <= 60; i++) expect(text).toContain(`Refacción número ${i} `);
    pageTexts.forEach((page, i) => {
      // Every page holding lines starts with the table's header.
      if (page.includes('Refacción')) expect(page).toContain('Descripción Cantidad Precio unitario Importe');
      expect(page).toContain(`Página ${i + 1} de ${pages}`);
    });
    expect(text).toContain('Subtotal $600.00');
    expect(text).toContain('Total $696.00');
  });

  it('wraps a long description within its column', async () => {
    const description = `Reparación completa ${'del sistema de frenos '.repeat(12)}fin`;
    const { text } = await pdfText(await renderPdf(quote({ lines: [{ description, quantity: 1, unitPrice: 1000 }] })));
    // Every word is there, over several lines of text.
    expect(text.replace(/\s+/g, ' ')).toContain(description.replace(/\s+/g, ' '));
    expect(text.split('\n').filter((line) => line.includes('sistema de frenos')).length).toBeGreaterThan(1);
  });

  it('replaces emoji and characters Helvetica lacks instead of failing', async () => {
    const pdf = await renderPdf(
      quote({
        party: { label: 'Cliente', name: 'Lupita 🌮 García' },
        lines: [{ description: 'Llanta 👍🏽 漢字 Łódź', quantity: 4, unitPrice: 250 }],
        notes: '¡Gracias! 🙏',
      })
    );
    const { text } = await pdfText(pdf);
    expect(text).toContain('Lupita ? García');
    expect(text).toContain('Llanta ?? ?? Lódz');
    expect(text).toContain('¡Gracias! ?');
  });

  it('leaves out a logo that is not an image, and still renders', async () => {
    const { text } = await pdfText(await renderPdf(quote({ business: { name: 'Taller', logo: Buffer.from('not a png') } })));
    expect(text).toContain('Taller');
  });

  it('renders the same record to the same bytes (dated by the record, not the clock)', async () => {
    const first = await renderPdf(quote());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await renderPdf(quote());
    // pdfkit writes the info entries as objects of their own: `/CreationDate 13 0 R` … `(D:…)`.
    expect(first.includes('/CreationDate')).toBe(true);
    expect(first.includes('(D:20260303180000Z)')).toBe(true);
    expect(second.equals(first)).toBe(true);
  });
});

describe('computeTotals', () => {
  it('rounds each amount, then sums', () => {
    expect(computeTotals({ lines: [{ description: 'a', quantity: 3, unitPrice: 0.335 }], taxRate: 16, total: null })).toEqual({
      amounts: [1.01],
      subtotal: 1.01,
      tax: 0.16,
      total: 1.17,
    });
  });
});

describe('toWinAnsi', () => {
  it('keeps Spanish text, €, typographic quotes and dashes', () => {
    const text = '¿Año? ¡Sí! Ñandú, pingüino — “cotización” 1.000 € • ½';
    expect(toWinAnsi(text)).toBe(text);
  });

  it('joins decomposed accents and drops accents WinAnsi lacks', () => {
    expect(toWinAnsi('Jose\u0301')).toBe('José');
    expect(toWinAnsi('Łódź Ő đ')).toBe('Lódz O d');
  });

  it('replaces emoji and CJK with one ? per character, and spaces Intl uses with plain ones', () => {
    expect(toWinAnsi('ok 👍🏽 漢字 ❤️')).toBe('ok ?? ?? ?');
    expect(toWinAnsi('1\u202f160,00\u00a0€ \u22125')).toBe('1\u00a0160,00\u00a0€ -5');
  });

  it('keeps newlines and turns tabs and control characters into something printable', () => {
    expect(toWinAnsi('a\tb\r\nc\u0007')).toBe('a b\nc');
  });
});
