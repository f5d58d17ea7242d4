/**
 * What Node's HTTP server does with a client it gives up on (a slowloris past the time limits of
 * config/server.ts, a request that does not parse): answered and disconnected as Node would by
 * default (408, 431, 400), but without Node destroying the socket *with* the error, which Koa
 * then logs as a stack trace per connection; 200 slow clients would write 200 of them. Instead
 * one warning a minute at most says how many were cut off.
 */
import type { Socket } from 'net';
import type { Core } from '@strapi/strapi';

const STATUS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
};

export function answerSlowClients(strapi: Core.Strapi) {
  const server = strapi.server.httpServer;
  let cut = 0;
  let lastLog = 0;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const code = error.code ?? '';
    // A response already under way cannot take another status line: just close.
    const responding = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (code !== 'ECONNRESET' && socket.writable && !responding) {
      socket.write(`HTTP/1.1 ${STATUS[code] ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
    if (code !== 'ERR_HTTP_REQUEST_TIMEOUT') return;
    cut += 1;
    const now = Date.now();
    if (now - lastLog < 60_000) return;
    strapi.log.warn(`[http] ${cut} slow client(s) cut off at the time limits (408) since the last report`);
    cut = 0;
    lastLog = now;
  });
}
