import { winston, formats } from '@strapi/logger';

/**
 * Every level at or above LOG_LEVEL (default `http`; tests run with `warn` to keep their output
 * readable). The Console transport's `level` is the threshold; Strapi's `levelFilter` format would
 * keep that one level only, and a warning or an error would vanish at the default level.
 */
export default {
  transports: [
    new winston.transports.Console({
      level: process.env.LOG_LEVEL || 'http',
      format: winston.format.combine(formats.prettyPrint({ timestamps: 'YYYY-MM-DD hh:mm:ss.SSS' })),
    }),
  ],
};
