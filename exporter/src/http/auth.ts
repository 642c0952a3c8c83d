import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Role } from '../config/sections/roles.js';
import type { AuthContext } from './auth-context.js';
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
 * The token a request offers: `Bearer <token>`, or HTTP Basic with the token's name as user and the
 * token as password (what Alertmanager's http_config.basic_auth sends).
 */
function offeredToken(header: string): { token: string; name?: string } | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return { token: bearer[1]! };
  const basic = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!basic) return undefined;
  const text = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { name: text.slice(0, colon), token: text.slice(colon + 1) };
}

/**
 * Bearer-token authentication for /api/. Compares digests with timingSafeEqual against every
 * configured token (no early exit), so the answer time tells nothing about a token's prefix.
 */
export function bearerAuth(tokens: readonly ApiToken[], configuredIn = 'auth.tokens'): RequestHandler {
  const known = tokens.map((entry) => ({ digest: digest(entry.token), context: { tokenName: entry.name, tenant: entry.tenant, role: entry.role } }));
  const challenge = 'Bearer realm="sextant"';
  return (req, res, next) => {
    const header = req.get('authorization');
    if (!header) {
      next(new HttpError(401, `missing bearer token: send "Authorization: Bearer <token>" (tokens are set in ${configuredIn})`, { 'WWW-Authenticate': challenge }));
      return;
    }
    const offer = offeredToken(header);
    const offered = digest(offer?.token ?? '');
    let found: AuthContext | undefined;
    for (const entry of known) {
      if (timingSafeEqual(entry.digest, offered) && offer && (offer.name === undefined || offer.name === entry.context.tokenName)) found = entry.context;
    }
    if (!found) {
      next(new HttpError(401, 'invalid bearer token', { 'WWW-Authenticate': `${challenge}, error="invalid_token"` }));
      return;
    }
    res.locals.auth = found;
    next();
  };
}
