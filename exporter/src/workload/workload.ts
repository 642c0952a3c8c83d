// `sextant demo-workload` as a process: every second it advances the demo scenario's request counters
// and writes the log lines of that second to stdout; every export interval it sends the sampled traces
// that have ended to an OTLP/HTTP endpoint; /metrics serves the counters to Prometheus.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { demoLogLines, demoSpans, scenario } from '@sextant/core/demo';
import type { Logger } from '../log.js';
import { exportTraceServiceRequest } from './otlp-json.js';
import { createRequestMetrics } from './request-metrics.js';

export interface WorkloadOptions {
  seed: number;
  host: string;
  port: number;
  /** Where traces go, e.g. http://jaeger:4318/v1/traces; none: no traces are sent. */
  otlpEndpoint?: string;
  exportIntervalMs: number;
  /** Traces are sent this long after their requests started, so that their spans have ended. */
  traceLagMs: number;
  tickMs: number;
  now: () => number;
  /** One JSON log line of the demo's services (stdout in the CLI). */
  writeLine: (line: string) => void;
  /** The workload's own messages (stderr in the CLI). */
  log: Logger;
  version: string;
}

export interface Workload {
  port: number;
  stop(): Promise<void>;
}

export async function startWorkload(options: WorkloadOptions): Promise<Workload> {
  const world = scenario(options.seed);
  const requests = createRequestMetrics(world);
  const registry = new Registry();
  const exported = new Counter({ name: 'demo_workload_otlp_spans_exported_total', help: 'Spans accepted by the OTLP endpoint.', registers: [registry] });
  const failures = new Counter({ name: 'demo_workload_otlp_export_failures_total', help: 'OTLP exports that failed; their spans are dropped.', registers: [registry] });

  let lastTick = options.now();
  let lastExport = lastTick - options.traceLagMs - options.exportIntervalMs;

  const tick = (): void => {
    const now = options.now();
    requests.advance(lastTick, now);
    for (const line of demoLogLines(world, { start: lastTick, end: now })) {
      options.writeLine(
        JSON.stringify({ time: new Date(line.t).toISOString(), level: line.level, service: line.service, msg: line.msg, ...(line.traceId ? { trace_id: line.traceId } : {}) }),
      );
    }
    lastTick = now;
  };

  let exporting: Promise<void> = Promise.resolve();
  const exportTraces = async (endpoint: string): Promise<void> => {
    const end = options.now() - options.traceLagMs;
    if (end <= lastExport) return;
    const spans = demoSpans(world, { start: lastExport, end });
    lastExport = end;
    if (spans.length === 0) return;
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(exportTraceServiceRequest(spans, options.version)),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
      const rejected = Number((JSON.parse(text || '{}') as { partialSuccess?: { rejectedSpans?: string | number } }).partialSuccess?.rejectedSpans ?? 0);
      exported.inc(spans.length - rejected);
      if (rejected > 0) options.log.warn('OTLP endpoint rejected spans', { endpoint, rejected });
    } catch (error) {
      failures.inc();
      options.log.warn('OTLP export failed; spans dropped', { endpoint, spans: spans.length, error });
    }
  };

  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
      registry.metrics().then(
        (own) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(requests.render() + own);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`cannot render metrics: ${String(error)}\n`);
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found: the demo workload serves GET /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const ticker = setInterval(tick, options.tickMs);
  const exporter = options.otlpEndpoint
    ? setInterval(() => {
        exporting = exporting.then(() => exportTraces(options.otlpEndpoint as string));
      }, options.exportIntervalMs)
    : undefined;

  return {
    port,
    async stop() {
      clearInterval(ticker);
      if (exporter) clearInterval(exporter);
      await exporting;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
