/**
 * The app's logger writes every level at or above LOG_LEVEL: at the default level a refused
 * webhook's warning and an error are written, and at `debug` errors are not lost.
 */
import path from 'path';
import { Writable } from 'stream';
import { winston } from '@strapi/logger';

const loggerWith = (level: string | undefined) => {
  const saved = process.env.LOG_LEVEL;
  if (level === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = level;
  try {
    jest.resetModules();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require(path.resolve(__dirname, '../config/logger.ts')).default as { transports: Array<{ level?: string; format?: unknown }> };
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const [console] = config.transports;
    const transport = new winston.transports.Stream({ stream: sink, level: console.level, format: console.format as never });
    const logger = winston.createLogger({ levels: winston.config.npm.levels, level: 'silly', transports: [transport] });
    return { logger, lines };
  } finally {
    if (saved === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = saved;
  }
};

describe('logging levels (config/logger.ts)', () => {
  it('at the default level (http) writes errors, warnings, info and http, not debug', () => {
    const { logger, lines } = loggerWith(undefined);
    for (const level of ['error', 'warn', 'info', 'http', 'debug']) logger.log(level, `a ${level} line`);
    expect(lines.join('')).toMatch(/a error line/);
    expect(lines.join('')).toMatch(/a warn line/);
    expect(lines.join('')).toMatch(/a info line/);
    expect(lines.join('')).toMatch(/a http line/);
    expect(lines.join('')).not.toMatch(/a debug line/);
  });

  it('at debug nothing above it is lost; at warn only warnings and errors', () => {
    const debug = loggerWith('debug');
    for (const level of ['error', 'warn', 'debug']) debug.logger.log(level, `a ${level} line`);
    expect(debug.lines).toHaveLength(3);
    const warn = loggerWith('warn');
    for (const level of ['error', 'warn', 'info']) warn.logger.log(level, `a ${level} line`);
    expect(warn.lines.join('')).toMatch(/a error line[\s\S]*a warn line/);
    expect(warn.lines.join('')).not.toMatch(/a info line/);
  });
});

describe('the request log masks secrets that travel in URLs', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { maskUrl } = require('../src/middlewares/request-log') as typeof import('../src/middlewares/request-log');

  it("masks Meta's verify token and challenge, media link signatures and token query parameters", () => {
    expect(maskUrl('/api/whatsapp/webhooks/meta?hub.mode=subscribe&hub.verify_token=s3cr3t&hub.challenge=1158201444')).toBe(
      '/api/whatsapp/webhooks/meta?hub.mode=subscribe&hub.verify_token=***&hub.challenge=***'
    );
    expect(maskUrl('/api/whatsapp/media/eyJmIjo0MiwiZSI6MTcwMH0.Zm9vYmFyYmF6')).toBe('/api/whatsapp/media/***');
    expect(maskUrl('/api/whatsapp/messages?filters[status]=sent&access_token=abc&Token=x')).toBe('/api/whatsapp/messages?filters[status]=sent&access_token=***&Token=***');
    expect(maskUrl('/api/whatsapp/health')).toBe('/api/whatsapp/health');
    expect(maskUrl('/x?hub%2Everify_token=a&%E0%A4%A=1')).toBe('/x?hub%2Everify_token=***&%E0%A4%A=1');
  });
});

describe('the request log in a running app', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startStrapi } = require('./helpers/strapi') as typeof import('./helpers/strapi');
  let app: Awaited<ReturnType<typeof startStrapi>>;
  const lines: string[] = [];

  beforeAll(async () => {
    app = await startStrapi({ env: { META_VERIFY_TOKEN: 'verify-s3cr3t' } });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    app.strapi.log.add(new winston.transports.Stream({ stream: sink, level: 'http' }));
    app.strapi.log.level = 'http';
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("logs the webhook handshake and a media link without Meta's verify token or the link's signature", async () => {
    await app.http().get('/api/whatsapp/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-s3cr3t&hub.challenge=4242').expect(200);
    await app.http().get('/api/whatsapp/media/eyJmIjo0Mn0.c2lnbmF0dXJl').expect((res) => expect(res.status).toBeGreaterThanOrEqual(400));
    const log = lines.join('');
    expect(log).toMatch(/GET \/api\/whatsapp\/webhooks\/meta\?hub\.mode=subscribe&hub\.verify_token=\*\*\*&hub\.challenge=\*\*\* \(\d+ ms\) 200/);
    expect(log).toMatch(/GET \/api\/whatsapp\/media\/\*\*\* \(\d+ ms\) 4\d\d/);
    expect(log).not.toMatch(/verify-s3cr3t|c2lnbmF0dXJl/);
  });
});
