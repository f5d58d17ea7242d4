import { validateHeaderValue } from 'http';
import fc from 'fast-check';
import { asciiFileName, inlineDisposition } from './file-name';

describe('Content-Disposition of a media-library file', () => {
  it('gives an ASCII filename and the UTF-8 name in filename* (RFC 6266 / 5987)', () => {
    expect(inlineDisposition('cotización ñ.pdf')).toBe(`inline; filename="cotizacion n.pdf"; filename*=UTF-8''cotizaci%C3%B3n%20%C3%B1.pdf`);
    expect(inlineDisposition('factura.pdf')).toBe('inline; filename="factura.pdf"');
    expect(inlineDisposition('a "b".pdf')).toBe('inline; filename="a \\"b\\".pdf"');
    expect(asciiFileName('🚗 coche.png')).toBe('_ coche.png');
    expect(inlineDisposition('')).toBe('inline; filename="file"');
    expect(inlineDisposition('/')).toBe('inline; filename="_"');
    expect(inlineDisposition('facturas/marzo.pdf')).toBe('inline; filename="facturas_marzo.pdf"');
  });

  it('is a header Node accepts whatever the name is', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.stringMatching(/^[a-zñó/\\%"' .]{0,12}$/)), (name) => {
        const header = inlineDisposition(name);
        expect(() => validateHeaderValue('Content-Disposition', header)).not.toThrow();
        expect(header).toMatch(/^inline; filename="[\x20-\x7e]*"(; filename\*=UTF-8''[\x21-\x7e]+)?$/);
      }),
      { numRuns: 500 }
    );
  });
});
