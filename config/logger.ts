import { winston, formats } from '@strapi/logger';

/** Log level from LOG_LEVEL (tests run with `warn` to keep their output readable). */
export default {
  transports: [
    new winston.transports.Console({
      level: process.env.LOG_LEVEL || 'http',
      format: winston.format.combine(
        formats.levelFilter(process.env.LOG_LEVEL || 'http'),
        formats.prettyPrint({ timestamps: 'YYYY-MM-DD hh:mm:ss.SSS' })
      ),
    }),
  ],
};
