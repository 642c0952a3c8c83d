// GET /api/v1/events: Server-Sent Events of the caller's tenant: `anomaly` (a new anomaly event,
// as GET /anomalies shows it), `predictions` and `recommendations` (their stage ran and changed
// something: re-read them). A comment every 15 s keeps proxies from closing an idle stream, and
// `retry` tells browsers to reconnect 2 s after the stream breaks (a restart of the service).
import express, { type Request, type Response } from 'express';
import { authOf } from '../auth-context.js';
import type { LiveEvent } from '../live-events.js';
import type { ApiDeps } from './api-deps.js';
import { Unavailable, sendError } from './query-params.js';

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 2_000;

export function eventsRoutes(deps: ApiDeps): express.Router {
  const router = express.Router();
  router.get('/events', (req: Request, res: Response) => {
    try {
      if (!deps.live) throw new Unavailable('live events are not published by this service');
      const { tenant } = authOf(res);
      res.locals.untimed = true;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx and similar proxies buffer responses unless told not to.
        'x-accel-buffering': 'no',
      });
      res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
      const send = (event: LiveEvent) => res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const unsubscribe = deps.live.subscribe(tenant, send, () => res.end());
      req.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
    } catch (error) {
      sendError(res, error);
    }
  });
  return router;
}
