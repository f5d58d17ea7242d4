import type { Core } from '@strapi/strapi';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { uploadLimitBytes } from './middlewares';
import { hideInternalErrors } from '../src/graphql/hide-internal-errors';

const allowedMediaTypes = [
  'image/*',
  'video/*',
  'audio/*',
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.*',
  'text/plain',
  'text/csv',
];

const deniedTypes = [
  'image/svg+xml',
  'application/vnd.microsoft.portable-executable',
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-executable',
  'application/x-dosexec',
  'application/x-sh',
  'text/x-shellscript',
  'application/x-mach-binary',
];

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  whatsapp: {
    enabled: true,
    resolve: './plugins/whatsapp',
  },
  'users-permissions': {
    config: {
      jwtSecret: env('JWT_SECRET'),
    },
  },
  upload: {
    config: {
      // Per file, in bytes: the same limit as the body parser's (config/middlewares.ts), so a
      // file over it is a 413 whichever sees it first.
      sizeLimit: uploadLimitBytes(env),
      security: {
        allowedTypes: allowedMediaTypes,
        deniedTypes,
      },
    },
  },
  graphql: {
    config: {
      endpoint: '/graphql',
      shadowCRUD: true,
      // No landing page at all. `landingPage: false` is not that: the graphql plugin then serves
      // Apollo's "production" landing page, which loads its scripts from Apollo's CDN.
      landingPage: () => ApolloServerPluginLandingPageDisabled(),
      depthLimit: 10,
      defaultLimit: 25,
      maxLimit: 100,
      // Unexpected errors reach clients as "Internal Server Error" only (no SQL, no stack trace).
      apolloServer: { introspection: true, plugins: [hideInternalErrors()] },
    },
  },
  // Email goes through SMTP (the fallback channel for WhatsApp messages that cannot be delivered).
  email: {
    config: {
      provider: 'nodemailer',
      providerOptions: {
        host: env('SMTP_HOST', '127.0.0.1'),
        port: env.int('SMTP_PORT', 1025),
        secure: env.bool('SMTP_SECURE', false),
        ignoreTLS: !env.bool('SMTP_SECURE', false),
        auth: env('SMTP_USERNAME') ? { user: env('SMTP_USERNAME'), pass: env('SMTP_PASSWORD') } : undefined,
      },
      settings: {
        defaultFrom: env('EMAIL_FROM', 'whatsapp@localhost'),
        defaultReplyTo: env('EMAIL_REPLY_TO', env('EMAIL_FROM', 'whatsapp@localhost')),
      },
    },
  },
});

export default config;
