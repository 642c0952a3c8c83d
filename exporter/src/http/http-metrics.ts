import type { RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * `sextant_http_requests_total{route,method,code}` and `sextant_http_request_duration_seconds{route}`.
 * The route label is the matched route pattern (e.g. /api/v1/query), never the raw URL, so a
 * scanner probing random paths cannot blow up the number of series: those count as "unmatched".
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const requests = new Counter({
    name: 'sextant_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status code.',
    labelNames: ['route', 'method', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'sextant_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route pattern.',
    labelNames: ['route'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return (req, res, next) => {
    const stop = duration.startTimer();
    res.on('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      requests.inc({ route, method: req.method, code: String(res.statusCode) });
      stop({ route });
    });
    next();
  };
}
