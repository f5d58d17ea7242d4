import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * The text of a PDF as a reader extracts it (pdf-parse, i.e. Mozilla's pdf.js), for tests that
 * check what a customer would see. pdf.js loads its worker with a dynamic `import()`, which
 * jest's module sandbox refuses, so the parse runs in a plain Node process beside the test.
 */

const ROOT = path.resolve(__dirname, '../../../../../..');

const SCRIPT = `
import { PDFParse } from 'pdf-parse';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
try {
  const result = await parser.getText();
  process.stdout.write(JSON.stringify({ text: result.text, pages: result.total, pageTexts: result.pages.map((p) => p.text) }));
} finally {
  await parser.destroy();
}
`;

export interface PdfText {
  /** Every page's text, in order. */
  text: string;
  pages: number;
  pageTexts: string[];
}

export function pdfText(pdf: Buffer): Promise<PdfText> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`pdf-parse failed: ${stderr || error.message}`));
      try {
        resolve(JSON.parse(stdout) as PdfText);
      } catch {
        reject(new Error(`pdf-parse answered no JSON: ${stdout.slice(0, 200)}`));
      }
    });
    child.stdin?.end(pdf);
  });
}
