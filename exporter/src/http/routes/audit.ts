// The audit log: every state-changing request below it is recorded (see audit-trail.ts), and
// GET /api/v1/audit lists the caller's tenant's entries, newest first, to admins only.
// Filters: action (comma list), token, result (comma list), from, to (RFC 3339 or Unix ms); paging:
// limit (<= 1000, default 100) and before (the `next` of the previous page).
import express, { type Request, type Response } from 'express';
import { authOf, roleAllows } from '../auth-context.js';
import { auditTrail } from '../audit-trail.js';
import { AUDIT_RESULTS, type AuditFilter, type AuditResult } from '../../warehouse/audit-store.js';
import type { ApiDeps } from './api-deps.js';
import { BadRequest, queryInt, queryString, sendError } from './query-params.js';
import { parseInstant } from '../../time-text.js';

const MAX_LIMIT = 1000;

function timeParam(req: Request, name: string): number | undefined {
  const text = queryString(req, name);
  if (text === undefined) return undefined;
  try {
    return parseInstant(text, `query parameter ${name}`);
  } catch (error) {
    throw new BadRequest((error as Error).message);
  }
}

function listParam(req: Request, name: string): string[] | undefined {
  const text = queryString(req, name);
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new BadRequest(`query parameter ${name}: expected a comma list`);
  return items;
}

function filterOf(req: Request): AuditFilter {
  const results = listParam(req, 'result');
  const bad = results?.find((r) => !(AUDIT_RESULTS as readonly string[]).includes(r));
  if (bad) throw new BadRequest(`query parameter result: got "${bad}", expected a comma list of ${AUDIT_RESULTS.join(', ')}`);
  const filter: AuditFilter = { limit: queryInt(req, 'limit', 1, MAX_LIMIT) ?? 100 };
  const actions = listParam(req, 'action');
  if (actions) filter.actions = actions;
  const tokenName = queryString(req, 'token');
  if (tokenName !== undefined) filter.tokenName = tokenName;
  if (results) filter.results = results as AuditResult[];
  const from = timeParam(req, 'from');
  const to = timeParam(req, 'to');
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  if (from !== undefined && to !== undefined && from >= to) throw new BadRequest('query parameters from and to: from must be before to');
  const before = queryInt(req, 'before', 1, Number.MAX_SAFE_INTEGER);
  if (before !== undefined) filter.before = before;
  return filter;
}

export function auditRoutes(deps: ApiDeps): express.Router {
  const log = deps.stores.audit;
  const router = express.Router();
  router.use(auditTrail(log, deps.log.child({ area: 'audit' }), deps.now));

  router.get('/audit', async (req: Request, res: Response) => {
    try {
      const auth = authOf(res);
      if (!roleAllows(auth.role, 'admin')) {
        res.status(403).json({ error: `GET /audit: role ${auth.role} may not read the audit log (admin needed)` });
        return;
      }
      const filter = filterOf(req);
      const entries = await log.list(auth.tenant, filter);
      const next = entries.length === filter.limit ? String(entries[entries.length - 1]!.id) : null;
      res.json({ entries: entries.map(({ tenant: _tenant, at, ...e }) => ({ ...e, at: new Date(at).toISOString() })), next });
    } catch (error) {
      sendError(res, error);
    }
  });
  return router;
}
