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

/** A path segment decoded, or as sent when it is not valid percent-encoded UTF-8 (`%ZZ`, `%ED%A0%80`). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The action's name and target: `recommendation.execute` for an apply that runs its webhook. */
export function actionOf(method: string, path: string, body: unknown): { action: string; target?: string } {
  for (const [m, pattern, name] of ACTIONS) {
    const found = m === method ? pattern.exec(path) : null;
    if (!found) continue;
    if (name !== 'recommendation.') return { action: name, ...(found[1] ? { target: decodeSegment(found[1]) } : {}) };
    const executes = found[2] === 'apply' && (body as { execute?: unknown } | undefined)?.execute === true;
    return { action: `recommendation.${executes ? 'execute' : found[2]}`, target: decodeSegment(found[1]!) };
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
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch {
    // JSON.parse takes a body nested 100,000 deep; JSON.stringify runs out of stack on it.
    return '(the body is nested too deeply to record)';
  }
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
    const entryOf = (auth: AuthContext) => {
      const { action, target } = actionOf(req.method, path, req.body);
      return {
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
    };
    res.on('finish', () => {
      const auth = res.locals.auth as AuthContext | undefined;
      if (!auth) return;
      // An exception thrown here would escape the event emitter and end the process.
      try {
        const entry = entryOf(auth);
        log.record(entry).catch((failure: unknown) => logger.error('audit: an entry could not be recorded', { entry, error: failure }));
      } catch (failure) {
        logger.error('audit: an entry could not be built', { request: `${req.method} ${req.originalUrl}`, error: String(failure) });
      }
    });
    next();
  };
}
