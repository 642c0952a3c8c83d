import type { RequestHandler } from 'express';
import type { Logger } from '../log.js';

// Scrapes and probes arrive every few seconds; logging them at info would drown the rest.
const quietPaths = new Set(['/metrics', '/-/healthy', '/-/ready']);

/** One structured log line per request, when its answer has been sent. */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      // req.path is relative to the router that answered; originalUrl is what the client asked.
      const path = req.originalUrl.split('?')[0] ?? req.originalUrl;
      const auth = res.locals.auth as { tokenName?: string; tenant?: string } | undefined;
      const fields = {
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        client: auth?.tokenName,
        tenant: auth?.tenant,
      };
      if (quietPaths.has(path) && res.statusCode < 400) log.debug('request', fields);
      else log.info('request', fields);
    });
    next();
  };
}

/** Answers 503 when a request is still running after `timeoutMs`, unless its route set `res.locals.untimed` (an upload). */
export function requestTimeout(timeoutMs: number): RequestHandler {
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      if (!res.headersSent && res.locals.untimed !== true) res.status(503).json({ error: `request took longer than ${timeoutMs} ms (server.requestTimeout)` });
    }, timeoutMs);
    timer.unref();
    res.on('close', () => clearTimeout(timer));
    next();
  };
}
