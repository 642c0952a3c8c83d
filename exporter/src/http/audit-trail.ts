// Records every state-changing API request in the audit log once it has been answered: who (the
// token's name and role), when, what (an action name, its target, the request and its body) and the
// result (the status and the error answered). Reads are not recorded, nor the two POSTs that change
// nothing a person decided: queries, and Alertmanager's webhook (the alert history is its own log).
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../log.js';
import type { AuditLog, AuditResult } from '../warehouse/audit-store.js';
import type { AuthContext } from './auth-context.js';

const NOT_STATE_CHANGES = new Set(['POST /query', 'POST /alerts/webhook']);
const MAX_DETAIL = 2000;

/** Named actions: [method, path pattern under /api/v1, name]; the first group of the pattern is the target. */
const ACTIONS: Array<[string, RegExp, string]> = [
  ['POST', /^\/recommendations\/([^/]+)\/(apply|approve|dismiss|feedback|rollback)$/, 'recommendation.'],
  ['POST', /^\/backfill$/, 'backfill.start'],
  ['DELETE', /^\/backfill\/([^/]+)$/, 'backfill.cancel'],
  ['POST', /^\/reports$/, 'report.generate'],
  ['PUT', /^\/reference\/([^/]+)$/, 'reference.import'],
  ['DELETE', /^\/reference\/([^/]+)$/, 'reference.drop'],
];

/** The action's name and target: `recommendation.execute` for an apply that runs its webhook. */
export function actionOf(method: string, path: string, body: unknown): { action: string; target?: string } {
  for (const [m, pattern, name] of ACTIONS) {
    const found = m === method ? pattern.exec(path) : null;
    if (!found) continue;
    if (name !== 'recommendation.') return { action: name, ...(found[1] ? { target: decodeURIComponent(found[1]) } : {}) };
    const executes = found[2] === 'apply' && (body as { execute?: unknown } | undefined)?.execute === true;
    return { action: `recommendation.${executes ? 'execute' : found[2]}`, target: decodeURIComponent(found[1]!) };
  }
  // Another area's state change (an import, ...): named by its request until it gets a name above.
  return { action: `${method} ${path}` };
}

function resultOf(status: number): AuditResult {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403) return 'denied';
  return status < 500 ? 'refused' : 'failed';
}

function detailOf(body: unknown): string | undefined {
  if (body === undefined || (typeof body === 'object' && body !== null && Object.keys(body).length === 0)) return undefined;
  const text = JSON.stringify(body);
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text;
}

export function auditTrail(log: AuditLog, logger: Logger, now: () => number): RequestHandler {
  return (req: Request, res: Response, next) => {
    const path = req.path;
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || NOT_STATE_CHANGES.has(`${req.method} ${path}`)) {
      next();
      return;
    }
    const at = now();
    // The error a route answered, and the id of what it created ({"backfill": {"id": ...}}), kept as they go out.
    let error: string | undefined;
    let created: string | undefined;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      if (typeof body === 'object' && body !== null) {
        const said = (body as { error?: unknown }).error;
        if (typeof said === 'string') error = said;
        const id = Object.values(body).find((v): v is { id: unknown } => typeof v === 'object' && v !== null && 'id' in v)?.id;
        if (typeof id === 'string') created = id;
      }
      return json(body);
    };
    res.on('finish', () => {
      const auth = res.locals.auth as AuthContext | undefined;
      if (!auth) return;
      const { action, target } = actionOf(req.method, path, req.body);
      const entry = {
        tenant: auth.tenant,
        at,
        tokenName: auth.tokenName,
        role: auth.role,
        action,
        target: target ?? created,
        request: `${req.method} ${req.originalUrl}`,
        detail: detailOf(req.body),
        status: res.statusCode,
        result: resultOf(res.statusCode),
        error,
      };
      log.record(entry).catch((failure: unknown) => logger.error('audit: an entry could not be recorded', { entry, error: failure }));
    });
    next();
  };
}
