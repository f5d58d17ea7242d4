/**
 * A minimal loopback SMTP receiver (RFC 5321 subset), so the email fallback can be tested
 * through Strapi's real nodemailer provider without a mail server. Hand-written because the
 * `smtp-server` package is not installed.
 *
 * Speaks EHLO/HELO, MAIL FROM, RCPT TO, DATA (with dot-unstuffing), RSET, NOOP, QUIT, and
 * AUTH PLAIN/LOGIN (any credentials accepted and recorded, so SMTP_USERNAME may be set).
 * No STARTTLS: nodemailer must use `{ secure: false, ignoreTLS: true }`.
 */
import net from 'net';
import type { AddressInfo, Socket } from 'net';
import { CountWaiters } from './http';
import { parseMail } from './mime';

export interface ReceivedMail {
  /** Date.now() when the message was accepted. */
  at: number;
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** The message as transmitted (headers + body, CRLF line ends, dot-unstuffed). */
  data: string;
  /** Decoded Subject header. */
  subject: string;
  /** Lower-cased header names, decoded values. */
  headers: Record<string, string>;
  /** First text/plain part, transfer encoding undone. */
  text: string | null;
  /** First text/html part, transfer encoding undone. */
  html: string | null;
  /** Credentials given with AUTH, if any. */
  auth: { user: string; pass: string } | null;
}

export interface SmtpRejection {
  /** SMTP reply code: 4xx temporary (sender retries), 5xx permanent. */
  code: number;
  message: string;
}

export interface FakeSmtp {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `smtp://127.0.0.1:<port>`. */
  readonly url: string;
  readonly mails: ReceivedMail[];
  /** Resolves once `count` mails were received in total. */
  waitForMails(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** The next message(s) are refused at the end of DATA with this reply (e.g. 451 4.3.0). */
  rejectNext(rejection: SmtpRejection & { times?: number }): void;
  reset(): void;
  close(): Promise<void>;
}

const HOSTNAME = 'fake-smtp.localhost';
const CRLF = '\r\n';

type Mode = 'command' | 'data' | 'auth-plain' | 'auth-login-user' | 'auth-login-pass';

interface Session {
  greeted: boolean;
  mode: Mode;
  from: string | null;
  to: string[];
  dataLines: string[];
  auth: { user: string; pass: string } | null;
  pendingUser: string;
  buffer: Buffer;
}

export async function startFakeSmtp(): Promise<FakeSmtp> {
  const mails: ReceivedMail[] = [];
  const waiters = new CountWaiters(mails, 'mails');
  const rejections: { rejection: SmtpRejection; remaining: number }[] = [];
  const sockets = new Set<Socket>();

  function takeRejection(): SmtpRejection | undefined {
    const head = rejections[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) rejections.shift();
    return head.rejection;
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that vanishes mid-session is not the fake's problem.
    socket.on('error', () => socket.destroy());

    const session: Session = {
      greeted: false,
      mode: 'command',
      from: null,
      to: [],
      dataLines: [],
      auth: null,
      pendingUser: '',
      buffer: Buffer.alloc(0),
    };
    const reply = (line: string) => {
      if (!socket.destroyed) socket.write(line + CRLF);
    };

    const finishData = () => {
      const data = session.dataLines.join(CRLF) + CRLF;
      const envelope = { from: session.from ?? '', to: session.to };
      session.mode = 'command';
      session.dataLines = [];
      session.from = null;
      session.to = [];
      const rejection = takeRejection();
      if (rejection) {
        reply(`${rejection.code} ${rejection.message}`);
        return;
      }
      const auth = session.auth;
      // The client waits for this answer before its next command, so nothing arrives meanwhile.
      parseMail(data).then(
        (parsed) => {
          mails.push({ at: Date.now(), ...envelope, data, ...parsed, auth });
          waiters.notify();
          reply(`250 2.0.0 OK: queued as ${mails.length}`);
        },
        (error: Error) => reply(`554 5.6.0 could not parse the message: ${error.message}`),
      );
    };

    const onLine = (line: string) => {
      switch (session.mode) {
        case 'data':
          if (line === '.') finishData();
          else session.dataLines.push(line.startsWith('.') ? line.slice(1) : line);
          return;
        case 'auth-plain':
          session.mode = 'command';
          acceptPlain(line);
          return;
        case 'auth-login-user':
          session.pendingUser = fromBase64(line);
          session.mode = 'auth-login-pass';
          reply(`334 ${toBase64('Password:')}`);
          return;
        case 'auth-login-pass':
          session.mode = 'command';
          session.auth = { user: session.pendingUser, pass: fromBase64(line) };
          reply('235 2.7.0 Authentication successful');
          return;
        case 'command':
          onCommand(line);
      }
    };

    const acceptPlain = (encoded: string) => {
      // PLAIN: base64("authzid\0user\0pass").
      const [, user = '', pass = ''] = fromBase64(encoded).split('\0');
      session.auth = { user, pass };
      reply('235 2.7.0 Authentication successful');
    };

    const onCommand = (line: string) => {
      const verb = line.split(' ', 1)[0].toUpperCase();
      const argument = line.slice(verb.length).trim();
      switch (verb) {
        case 'EHLO':
          session.greeted = true;
          reply(`250-${HOSTNAME} Hello ${argument}`);
          reply('250-PIPELINING');
          reply('250-8BITMIME');
          reply('250-SMTPUTF8');
          reply('250-SIZE 26214400');
          reply('250 AUTH PLAIN LOGIN');
          return;
        case 'HELO':
          session.greeted = true;
          reply(`250 ${HOSTNAME}`);
          return;
        case 'MAIL': {
          if (!session.greeted) return reply('503 5.5.1 Error: send HELO/EHLO first');
          const address = /^FROM:\s*<([^>]*)>/i.exec(argument)?.[1];
          if (address === undefined) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
          session.from = address;
          session.to = [];
          return reply('250 2.1.0 Ok');
        }
        case 'RCPT': {
          if (session.from === null) return reply('503 5.5.1 Error: need MAIL command');
          const address = /^TO:\s*<([^>]+)>/i.exec(argument)?.[1];
          if (address === undefined) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
          session.to.push(address);
          return reply('250 2.1.5 Ok');
        }
        case 'DATA':
          if (session.to.length === 0) return reply('503 5.5.1 Error: need RCPT command');
          session.mode = 'data';
          return reply('354 End data with <CR><LF>.<CR><LF>');
        case 'AUTH': {
          const [mechanism = '', initial] = argument.split(' ');
          if (mechanism.toUpperCase() === 'PLAIN') {
            if (initial) return acceptPlain(initial);
            session.mode = 'auth-plain';
            return reply('334 ');
          }
          if (mechanism.toUpperCase() === 'LOGIN') {
            if (initial) {
              session.pendingUser = fromBase64(initial);
              session.mode = 'auth-login-pass';
              return reply(`334 ${toBase64('Password:')}`);
            }
            session.mode = 'auth-login-user';
            return reply(`334 ${toBase64('Username:')}`);
          }
          return reply('504 5.5.4 Unrecognized authentication type');
        }
        case 'RSET':
          session.from = null;
          session.to = [];
          return reply('250 2.0.0 Ok');
        case 'NOOP':
          return reply('250 2.0.0 Ok');
        case 'QUIT':
          reply('221 2.0.0 Bye');
          socket.end();
          return;
        case 'STARTTLS':
          return reply('454 4.7.0 TLS not available');
        default:
          return reply('502 5.5.2 Error: command not recognized');
      }
    };

    socket.on('data', (chunk: Buffer) => {
      session.buffer = session.buffer.length === 0 ? chunk : Buffer.concat([session.buffer, chunk]);
      let start = 0;
      let newline: number;
      // Lines are split on bytes, then decoded whole, so multi-byte characters never break.
      while ((newline = session.buffer.indexOf(0x0a, start)) !== -1) {
        const end = newline > start && session.buffer[newline - 1] === 0x0d ? newline - 1 : newline;
        onLine(session.buffer.toString('utf8', start, end));
        start = newline + 1;
      }
      session.buffer = session.buffer.subarray(start);
    });

    reply(`220 ${HOSTNAME} ESMTP fake ready`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    waitForMails(count, timeoutMs = 5000) {
      return waiters.wait(count, timeoutMs);
    },
    rejectNext({ times = 1, ...rejection }) {
      rejections.push({ rejection, remaining: times });
    },
    reset() {
      mails.length = 0;
      rejections.length = 0;
    },
    async close() {
      waiters.cancel('fake SMTP closed');
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}

function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function fromBase64(text: string): string {
  return Buffer.from(text.trim(), 'base64').toString('utf8');
}
