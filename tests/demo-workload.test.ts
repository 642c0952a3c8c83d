// `sextant demo-workload` as a real process: its /metrics passes promtool, its stdout is JSON lines,
// and it sends the demo's traces to an OTLP/HTTP receiver as ExportTraceServiceRequest JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { demoSpans, scenario } from '@sextant/core/demo';
import { AnswerErrors, decodeV3Traces } from '../exporter/src/sources/jaeger-response.js';
import { startFixtureServer } from './support/fixture-server.js';
import { repoPath } from './support/stack.js';

const seed = 3;

function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Resolves when `predicate` holds, checking every 100 ms; rejects after `limitMs` saying what it waited for. */
async function waitFor(what: string, predicate: () => boolean, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match && match[1] === name) found.set(match[2] ?? '', Number(match[3]));
  }
  return found;
}

test('the demo workload serves valid metrics, logs JSON lines and sends OTLP traces', async () => {
  const receiver = await startFixtureServer(() => ({ body: {} }));
  const child = spawn(
    process.execPath,
    [repoPath('exporter/dist/cli.js'), 'demo-workload', '--listen', '127.0.0.1:0', '--seed', String(seed),
      '--otlp-endpoint', `${receiver.url}/v1/traces`, '--export-interval', '1s', '--trace-lag', '0s'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const stdout: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line));
    let metricsUrl: string | undefined;
    createInterface({ input: child.stderr }).on('line', (line) => {
      const record = JSON.parse(line) as { msg?: string; metrics?: string };
      if (record.msg === 'demo workload started') metricsUrl = record.metrics;
    });
    await waitFor('the workload to start', () => metricsUrl !== undefined);
    await waitFor('a trace export and some log lines', () => receiver.requests.length >= 2 && stdout.length >= 5);

    // Metrics: promtool accepts them, counters only grow, histograms are cumulative.
    const first = await (await fetch(metricsUrl!)).text();
    await waitFor('another second of requests', () => stdout.length >= 10);
    const second = await (await fetch(metricsUrl!)).text();
    for (const text of [first, second]) {
      const check = promtoolCheckMetrics(text);
      assert.equal(check.status, 0, check.output);
    }
    const counts = [samples(first, 'http_request_duration_seconds_count'), samples(second, 'http_request_duration_seconds_count')];
    assert.equal(counts[0]!.size, 6, 'a 200 and a 503 series per demo service');
    for (const [labels, value] of counts[0]!) assert.ok(counts[1]!.get(labels)! >= value, `${labels} went down`);
    assert.ok([...counts[1]!.values()].reduce((a, b) => a + b, 0) > 0);
    const buckets = samples(second, 'http_request_duration_seconds_bucket');
    for (const [labels, count] of counts[1]!) {
      const inner = labels.slice(1, -1);
      const cumulative = [...buckets].filter(([l]) => l.startsWith(`{${inner},le=`)).map(([, v]) => v);
      assert.deepEqual(cumulative, [...cumulative].sort((a, b) => a - b), `${labels} buckets are not cumulative`);
      assert.equal(cumulative.at(-1), count, `${labels}: +Inf bucket is not the count`);
    }

    // Logs: one JSON object per line, with the fields Alloy extracts.
    for (const line of stdout) {
      const record = JSON.parse(line) as Record<string, unknown>;
      assert.ok(['info', 'warn', 'error'].includes(record.level as string), line);
      assert.ok(['checkout', 'payments', 'search'].includes(record.service as string), line);
      assert.ok(!Number.isNaN(Date.parse(record.time as string)) && typeof record.msg === 'string', line);
    }

    // Traces: OTLP/HTTP JSON that decodes as OTLP, carrying exactly the demo's sampled traces.
    const request = receiver.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/v1/traces');
    assert.match(String(request.headers['content-type']), /^application\/json/);
    const body = JSON.parse(request.body) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    const raw = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    for (const span of raw) {
      assert.match(span.traceId as string, /^[0-9a-f]{32}$/);
      assert.match(span.spanId as string, /^[0-9a-f]{16}$/);
      assert.match(span.startTimeUnixNano as string, /^\d{19}$/);
      assert.ok(span.kind === 1 || span.kind === 2);
    }
    const decoded = decodeV3Traces(request.body, new AnswerErrors('receiver'), 1);
    assert.ok(decoded.spans.length > 0);
    assert.ok(decoded.spans.every((s) => s.samplingProbability === 0.01), 'root spans state the sampling probability');
    // The request carries whole traces whose roots started in its window: the demo's roots from the
    // first sent root to the last one are exactly those (children may start after the window ends).
    const rootSpans = raw.filter((s) => s.kind === 2);
    const rootStartsMs = rootSpans.map((s) => Number(BigInt(s.startTimeUnixNano as string)) / 1e6);
    const roots = rootSpans.map((s) => s.traceId as string).sort();
    const expected = demoSpans(scenario(seed), { start: Math.min(...rootStartsMs) - 0.001, end: Math.max(...rootStartsMs) + 0.001 })
      .filter((s) => s.kind === 'server')
      .map((s) => s.traceId)
      .sort();
    assert.deepEqual(roots, expected);
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0, 'the workload exits cleanly on SIGTERM');
    await receiver.close();
  }
});

test('bad options are refused with exit status 2', () => {
  const result = spawnSync(process.execPath, [repoPath('exporter/dist/cli.js'), 'demo-workload', '--listen', 'nowhere', '--otlp-endpoint', 'jaeger:4318'], { encoding: 'utf8' });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--listen: got "nowhere", expected HOST:PORT/);
  assert.match(result.stderr, /--otlp-endpoint: got "jaeger:4318", expected an http/);
});
