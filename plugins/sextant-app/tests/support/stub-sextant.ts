// Stand-in for the Sextant service until its API lands on main: answers the documented shapes of the
// endpoints the plugin uses, requires the bearer token, and keeps recommendation state in memory.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubSextant {
  url: string;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

export async function startStubSextant(token: string, now: number): Promise<StubSextant> {
  const services = ['checkout', 'payments', 'search'];
  const severities = ['critical', 'high', 'medium', 'low'] as const;
  const anomalies = Array.from({ length: 24 }, (_, i) => {
    const time = now - (i + 1) * 50 * 60_000;
    const service = services[i % 3]!;
    const expected = 100 + i;
    const value = expected * (i % 2 ? 2.5 : 0.3);
    return {
      id: `a${i}`,
      series: { __name__: 'http_requests_per_second', job: 'api', service },
      service,
      time,
      score: 0.99 - i * 0.01,
      severity: severities[i % 4],
      value,
      expected,
      upper: expected * 1.3,
      lower: expected * 0.7,
      detector: 'seasonal-baseline',
      explanation: `${value.toFixed(1)} req/s against an expected ${expected} (band ${(expected * 0.7).toFixed(1)} – ${(expected * 1.3).toFixed(1)})`,
      window: Array.from({ length: 13 }, (_, k) => ({
        t: time + (k - 6) * 5 * 60_000,
        v: k === 6 ? value : expected + Math.sin(k) * 5,
        upper: expected * 1.3,
        lower: expected * 0.7,
      })),
    };
  });
  const recommendations = Array.from({ length: 12 }, (_, i) => ({
    id: `r${i}`,
    policy: i % 2 ? 'right-size-memory' : 'silence-flapping-alert',
    title: i % 2 ? `Lower the memory limit of ${services[i % 3]}` : `Raise the for: of the flapping alert HighLatency${i}`,
    description: 'Observed use stayed under 40 % of the limit for 14 days.',
    service: services[i % 3],
    status: 'open' as 'open' | 'applied' | 'dismissed',
    time: now - i * HOUR,
    successRate: i % 2 ? 0.75 : null,
  }));
  const routes: Record<string, (req: IncomingMessage, url: URL, body: Record<string, unknown>) => [number, unknown]> = {
    'GET /api/v1/anomalies': (_req, url) => {
      const from = Number(url.searchParams.get('from') ?? 0);
      const to = Number(url.searchParams.get('to') ?? Infinity);
      return [200, { anomalies: anomalies.filter((a) => a.time >= from && a.time < to) }];
    },
    'GET /api/v1/predictions': () => [
      200,
      { predictions: services.map((service, i) => ({ service, risk: [0.72, 0.31, 0.05][i], horizonMs: 6 * HOUR, time: now, explanation: 'memory growth and error bursts', features: [{ name: 'memory trend', importance: 0.6 }] })) },
    ],
    'GET /api/v1/recommendations': (_req, url) => {
      const status = url.searchParams.get('status');
      return [200, { recommendations: recommendations.filter((r) => !status || r.status === status) }];
    },
    'GET /api/v1/alerts/analysis': () => [
      200,
      {
        mttrSeconds: 1260,
        rules: [
          { alertname: 'HighLatency', firings: 14, mttrSeconds: 900, flapping: true },
          { alertname: 'DiskFull', firings: 2, mttrSeconds: 3600, flapping: false },
        ],
        flapping: [{ alertname: 'HighLatency', labels: { service: 'search' }, transitions: 22 }],
        noisiest: [{ alertname: 'HighLatency', firings: 14 }],
        suppressed: [{ alertname: 'DiskFull', labels: { instance: 'db:9100' }, state: 'silenced', time: now - HOUR }],
      },
    ],
    'GET /api/v1/alerts/history': () => [
      200,
      { alerts: [{ fingerprint: 'f1', labels: { alertname: 'HighLatency', service: 'search' }, status: 'resolved', startsAt: now - 3 * HOUR, endsAt: now - 2 * HOUR }] },
    ],
    'GET /api/v1/datasets': () => [200, { datasets: [{ name: 'http_requests_per_second', labels: ['job', 'service'] }, { name: 'up', labels: ['job', 'instance'] }] }],
    'GET /api/v1/ingest/status': () => [200, { datasets: [{ dataset: 'http_requests_per_second', watermark: now - 60_000, lastRunAt: now - 30_000, lastError: null }] }],
    'POST /api/v1/query': (_req, _url, body) => {
      const range = body.range as { start: number; end: number };
      const times: number[] = [];
      for (let t = Math.ceil(range.start / HOUR) * HOUR; t < range.end; t += HOUR) times.push(t);
      return [
        200,
        {
          frames: services.map((service) => ({
            name: `${body.dataset}{service="${service}"}`,
            fields: [
              { name: 'time', type: 'time', values: times },
              ...(body.measures as string[]).map((m) => ({ name: m, type: 'number', values: times.map((t) => 100 + ((t / HOUR) % 24)), labels: { service } })),
            ],
            meta: { dataset: body.dataset, bucket: body.bucket },
          })),
        },
      ];
    },
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: 'missing or wrong bearer token' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    const action = /^\/api\/v1\/recommendations\/([^/]+)\/(apply|dismiss|feedback)$/.exec(url.pathname);
    if (req.method === 'POST' && action) {
      const rec = recommendations.find((r) => r.id === decodeURIComponent(action[1]!));
      if (!rec) return send(res, 404, { error: `recommendation ${action[1]}: not found` });
      if (action[2] === 'apply') rec.status = 'applied';
      if (action[2] === 'dismiss') rec.status = 'dismissed';
      return send(res, 200, rec);
    }
    const handler = routes[`${req.method} ${url.pathname}`];
    if (!handler) return send(res, 404, { error: `${req.method} ${url.pathname}: no such endpoint` });
    const [status, answer] = handler(req, url, body);
    send(res, status, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
