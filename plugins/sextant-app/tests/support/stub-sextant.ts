// Stand-in for the Sextant routes that are not on main yet (anomalies, predictions, recommendations,
// alert analytics and history), in the shapes their branches answer. Every other request goes on to
// the real service, so datasets, queries and ingest runs are the real demo's. It requires the same
// bearer token as the service, and keeps recommendation state in memory.
// TO REMOVE route by route as the areas land on main.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubSextant {
  url: string;
  close(): Promise<void>;
}

const HOUR = 3_600_000;
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

interface Frame {
  fields: Array<{ type: string; values: unknown[]; labels?: Record<string, string> }>;
}

/** Anomaly events on the real demo series (raw points: rollups may not exist yet): one every 50 points. */
async function anomaliesFrom(service: string, token: string, now: number) {
  const response = await fetch(`${service}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ dataset: 'http_requests_per_second', measures: ['avg'], groupBy: ['job', 'service'], filters: [], bucket: 'raw', range: { start: now - 24 * HOUR, end: now } }),
  });
  const { frames } = (await response.json()) as { frames: Frame[] };
  return frames.flatMap((frame, f) => {
    const [time, avg] = frame.fields;
    const labels = avg!.labels ?? {};
    return time!.values
      .map((t, i) => ({ t: Number(t), v: Number(avg!.values[i]) }))
      .filter((_, i) => i % 50 === 25)
      .map(({ t, v }, k) => {
        const deviation = (k % 2 ? 1 : -1) * (4 + ((k + f) % 4) * 2);
        const scale = Math.max(Math.abs(v) * 0.05, 1e-6);
        const expected = v - deviation * scale;
        return {
          dataset: 'http_requests_per_second',
          seriesId: f + 1,
          labels,
          start: t - 5 * 60_000,
          end: t + 5 * 60_000,
          peakScore: 0.99 - k * 0.002,
          peakAt: t,
          severity: SEVERITIES[(k + f) % 4],
          detector: k % 3 ? 'seasonal-baseline' : 'robust-level',
          value: v,
          expected,
          lower: expected - 3 * scale,
          upper: expected + 3 * scale,
          deviation,
        };
      });
  });
}

export async function startStubSextant(service: string, token: string, now: number): Promise<StubSextant> {
  const anomalies = await anomaliesFrom(service, token, now);
  const services = [...new Set(anomalies.map((a) => a.labels.service ?? ''))];
  const recommendations = Array.from({ length: 12 }, (_, i) => ({
    id: `r${i}`,
    key: `k${i}`,
    kind: i % 2 ? 'rightsizing' : 'alert-hygiene',
    entity: services[i % services.length],
    action: i % 2 ? 'lower-memory-limit' : 'set-keep-firing-for',
    context: i % 2 ? 'service' : 'HighLatency',
    severity: (['warning', 'info', 'critical'] as const)[i % 3],
    priority: 90 - i,
    title: i % 2 ? `Lower the memory limit of ${services[i % services.length]}` : `Add keep_firing_for to the flapping alert HighLatency (${i})`,
    explanation: 'Observed use stayed under 40 % of the limit for 14 days.',
    evidence: [{ name: 'p95 memory', value: 38, unit: '%' }],
    verifyWithinMs: HOUR,
    status: 'open' as string,
    createdAt: now - i * HOUR,
    updatedAt: now - i * HOUR,
    rank: i + 1,
    score: 0.5,
    posterior: i % 2 ? { mean: 0.75, count: 6, rate: 0.8333 } : { mean: 0.5, count: 0, rate: null },
  }));
  type Handler = (url: URL) => [number, unknown];
  const routes: Record<string, Handler> = {
    'GET /api/v1/anomalies': (url) => {
      const from = Number(url.searchParams.get('from') ?? 0);
      const to = Number(url.searchParams.get('to') ?? Infinity);
      return [200, { anomalies: anomalies.filter((a) => a.end >= from && a.start < to) }];
    },
    'GET /api/v1/predictions': () => [
      200,
      {
        predictions: services.map((entity, i) => ({
          entity,
          horizonMs: 6 * HOUR,
          at: now,
          probability: [0.72, 0.31, 0.05, 0.12][i % 4],
          modelVersion: 1,
          contributions: [
            { feature: 'memory_trend', value: 0.12, contribution: 0.21 },
            { feature: 'error_ratio_max', value: 0.03, contribution: -0.04 },
          ],
          ongoing: false,
        })),
      },
    ],
    'GET /api/v1/recommendations': (url) => {
      const statuses = (url.searchParams.get('status') ?? 'open').split(',');
      return [200, { recommendations: recommendations.filter((r) => statuses.includes(r.status)) }];
    },
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
          { fingerprint: 'f1', startsAtMs: now - 3 * HOUR, seq: 1, state: 'firing', endsAtMs: null, alertname: 'HighLatency', service: services[0], severity: 'warning', labels: { alertname: 'HighLatency' }, suppressedBy: [] },
          { fingerprint: 'f1', startsAtMs: now - 3 * HOUR, seq: 2, state: 'resolved', endsAtMs: now - 2 * HOUR, alertname: 'HighLatency', service: services[0], severity: 'warning', labels: { alertname: 'HighLatency' }, suppressedBy: [] },
        ],
      },
    ],
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const action = /^\/api\/v1\/recommendations\/([^/]+)\/(apply|dismiss|feedback)$/.exec(url.pathname);
    const handler = routes[`${req.method} ${url.pathname}`];
    if (!handler && !(req.method === 'POST' && action)) {
      return forward(service, req.method ?? 'GET', url, req, res);
    }
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: 'missing or wrong bearer token' });
    for await (const _chunk of req) {
      // The actions' bodies are not needed by the stand-in.
    }
    if (action) {
      const rec = recommendations.find((r) => r.id === decodeURIComponent(action[1]!));
      if (!rec) return send(res, 404, { error: `recommendation ${action[1]} not found` });
      if (action[2] === 'feedback') return send(res, 200, { recorded: true, posterior: rec.posterior });
      rec.status = action[2] === 'apply' ? 'applied' : 'dismissed';
      return send(res, 200, { recommendation: rec });
    }
    const [status, answer] = handler!(url);
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
