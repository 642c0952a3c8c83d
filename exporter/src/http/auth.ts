import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { AuthContext, Role } from './auth-context.js';
import { HttpError } from './http-error.js';

/** A token as the API checks it (the config's token, revealed). */
export interface ApiToken {
  name: string;
  token: string;
  tenant: string;
  role: Role;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Bearer-token authentication for /api/. Compares digests with timingSafeEqual against every
 * configured token (no early exit), so the answer time tells nothing about a token's prefix.
 */
export function bearerAuth(tokens: readonly ApiToken[]): RequestHandler {
  const known = tokens.map((entry) => ({ digest: digest(entry.token), context: { tokenName: entry.name, tenant: entry.tenant, role: entry.role } }));
  const challenge = 'Bearer realm="sextant"';
  return (req, res, next) => {
    const header = req.get('authorization');
    if (!header) {
      next(new HttpError(401, 'missing bearer token: send "Authorization: Bearer <token>" (tokens are set in auth.tokens)', { 'WWW-Authenticate': challenge }));
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const offered = digest(match?.[1] ?? '');
    let found: AuthContext | undefined;
    for (const entry of known) {
      if (timingSafeEqual(entry.digest, offered) && match) found = entry.context;
    }
    if (!found) {
      next(new HttpError(401, 'invalid bearer token', { 'WWW-Authenticate': `${challenge}, error="invalid_token"` }));
      return;
    }
    res.locals.auth = found;
    next();
  };
}
