/**
 * A supertest parser that keeps a response body as text whatever its type (a CSV export, which
 * supertest would otherwise buffer as bytes): `.buffer(true).parse(asText)`.
 */
import type { Response } from 'superagent';

export const asText = (res: Response, done: (error: Error | null, body: string) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream & { setEncoding(encoding: string): void };
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  stream.on('end', () => done(null, text));
};
