// Stand-in for the Sextant routes that are not wired into `sextant serve` on main yet (alert analytics
// and history: exporter/src/http/routes/alerts.ts exists but is not in apiRouters), in the shapes that
// route answers. Every other request goes on to the real service. It requires the same bearer token
// as the service. TO REMOVE once the alerts routes are served.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubSextant {
  url: string;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

export async function startStubSextant(service: string, token: string, now: number): Promise<StubSextant> {
  type Handler = (url: URL) => [number, unknown];
  const routes: Record<string, Handler> = {
    'GET /api/v1/alerts/analysis': () => {
      const stats = (count: number) => ({ count, resolved: count, firingMs: count * 600_000, mttrMs: 600_000, flaps: 2, withoutAction: 1, silenced: 1, inhibited: 0, missingRunbook: 0 });
      return [
        200,
        {
          from: now - 7 * 24 * HOUR,
          to: now,
          total: stats(16),
          byRule: [
            { key: 'HighLatency', ...stats(14) },
            { key: 'DiskFull', ...stats(2), flaps: 0, missingRunbook: 2 },
          ],
          byService: [],
          bySeverity: [],
          noisiest: [{ alertname: 'HighLatency', count: 14 }],
          rulesWithoutRunbook: ['DiskFull'],
          flappingRules: ['HighLatency'],
        },
      ];
    },
    'GET /api/v1/alerts/history': () => [
      200,
      {
        events: [
          { fingerprint: 'f1', startsAtMs: now - 3 * HOUR, seq: 1, state: 'firing', endsAtMs: null, alertname: 'HighLatency', service: 'checkout', severity: 'warning', labels: { alertname: 'HighLatency' }, suppressedBy: [] },
          { fingerprint: 'f1', startsAtMs: now - 3 * HOUR, seq: 2, state: 'resolved', endsAtMs: now - 2 * HOUR, alertname: 'HighLatency', service: 'checkout', severity: 'warning', labels: { alertname: 'HighLatency' }, suppressedBy: [] },
        ],
      },
    ],
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const handler = routes[`${req.method} ${url.pathname}`];
    if (!handler) return forward(service, req.method ?? 'GET', url, req, res);
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: 'missing or wrong bearer token' });
    const [status, answer] = handler(url);
    send(res, status, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function forward(service: string, method: string, url: URL, req: AsyncIterable<Buffer> & { headers: Record<string, string | string[] | undefined> }, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const upstream = await fetch(`${service}${url.pathname}${url.search}`, { method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
  res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
  res.end(Buffer.from(await upstream.arrayBuffer()));
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
