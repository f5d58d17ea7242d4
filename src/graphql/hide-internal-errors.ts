/**
 * An Apollo Server plugin: an unexpected error (anything that is not a Strapi validation,
 * permission or application error) reaches a GraphQL client as "Internal Server Error" and
 * nothing more. Strapi's GraphQL plugin puts the original error's message in
 * `extensions.error` (for a database error, the SQL), and Apollo adds a stack trace outside
 * production; both stay in the server's log only.
 */
type FormattedError = { message?: string; extensions?: Record<string, unknown> };

export const hideInternalErrors = () => ({
  async requestDidStart() {
    return {
      async willSendResponse({ response }: { response: { body: { kind: string; singleResult?: { errors?: FormattedError[] } } } }) {
        const errors = response.body.kind === 'single' ? response.body.singleResult?.errors : undefined;
        for (const error of errors ?? []) {
          if (error.extensions?.code !== 'INTERNAL_SERVER_ERROR') continue;
          error.message = 'Internal Server Error';
          error.extensions = { code: 'INTERNAL_SERVER_ERROR' };
        }
      },
    };
  },
});
