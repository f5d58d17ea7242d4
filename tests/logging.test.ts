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
