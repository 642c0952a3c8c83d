import { z } from 'zod';
import { ROLES } from './roles.js';
import { name, oneOf } from '../fields.js';
import { secret } from '../secret.js';

const tokenEntry = z.strictObject({
  /** Shown in logs instead of the token. */
  name: name('token'),
  token: secret(16),
  tenant: name('tenant').default('default'),
  role: oneOf(ROLES).default('viewer'),
});

export const authSection = z
  .strictObject({
    /** What Prometheus sends to scrape /metrics (it shows every tenant's scores, so it is not public). */
    metricsToken: secret(16).optional(),
    tokens: z
      .array(tokenEntry)
      .describe('a list of tokens')
      .default([])
      .superRefine((tokens, ctx) => {
        const seen = new Map<string, number>();
        tokens.forEach((token, i) => {
          const first = seen.get(token.name);
          if (first !== undefined) {
            ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${token.name}" is already the name of auth.tokens[${first}]` });
          } else seen.set(token.name, i);
        });
      }),
  })
  .prefault({});

export type AuthConfig = z.output<typeof authSection>;
export type TokenConfig = AuthConfig['tokens'][number];
