// The service stays responsive while every job runs on the demo plus a 100,000-instance alert
// history (issue 13 item 3): /-/healthy answers throughout, and the event loop's longest stall, as
// the service's own sextant_event_loop_delay_* metrics measure it, stays far from the seconds that
// the recommendation job, the alert analysis and report building used to hold it. The goal itself
// (100 ms, p99 at 50 req/s) is measured by `npm run bench -- soak`; the bound here leaves a wide
// margin for a shared machine.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BUSY_METRICS_TOKEN, BUSY_TOKEN, startBusyService } from './support/busy-service.js';
import type { ServeProcess } from './support/serve-process.js';

/** Seconds; before the fix the recommendation job alone held the loop 8 s at this history size. */
const MAX_STALL_SECONDS = 2.5;
const JOBS = ['ingest', 'score', 'train', 'predict', 'recommend', 'report'];

let service: ServeProcess;

before(async () => {
  service = await startBusyService({ alertInstances: 100_000, lookback: '6h', interval: '10s' });
});

after(async () => {
  // Clean shutdown is serve.test.ts's subject; here the service only has to go away.
  await service?.stop();
});

async function metrics(): Promise<string> {
  const res = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${BUSY_METRICS_TOKEN}` } });
  assert.equal(res.status, 200);
  return res.text();
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

test('while training, inference, recommendations, reports and alert analyses run over 100k alert instances, no stall over 2.5 s and /-/healthy always answers', async (t) => {
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${service.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${BUSY_TOKEN}`, 'content-type': 'application/json', ...init.headers } });
  const heavy: Promise<number>[] = [];
  const health: number[] = [];
  let maxStall = 0;
  const firstRuns = new Map<string, number>();
  const started = Date.now();
  // Until every job has finished a run after start (or 150 s), and for at least 30 s.
  for (let tick = 0; ; tick++) {
    health.push(await fetch(`${service.url}/-/healthy`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status, () => 0));
    if (tick % 8 === 0) {
      const text = await metrics();
      maxStall = Math.max(maxStall, sample(text, 'sextant_event_loop_delay_max_seconds'));
      for (const job of JOBS) if (sample(text, `sextant_job_runs_total{job="${job}",outcome="ok"}`) >= 1 && !firstRuns.has(job)) firstRuns.set(job, Date.now() - started);
    }
    if (tick % 40 === 4 && heavy.length < 9) {
      heavy.push(api('/alerts/analysis?from=' + (Date.now() - 14 * 86_400_000)).then((r) => r.status));
      heavy.push(api('/reports', { method: 'POST', body: JSON.stringify({ period: tick % 80 === 4 ? 'weekly' : 'daily', format: tick % 80 === 4 ? 'xlsx' : 'html' }) }).then((r) => r.status));
      heavy.push(api('/recommendations').then((r) => r.status));
    }
    const elapsed = Date.now() - started;
    if ((firstRuns.size === JOBS.length && elapsed > 30_000) || elapsed > 150_000) break;
    await sleep(250);
  }
  const statuses = await Promise.all(heavy);
  maxStall = Math.max(maxStall, sample(await metrics(), 'sextant_event_loop_delay_max_seconds'));
  const text = await metrics();
  const stalls = sample(text, 'sextant_event_loop_delay_seconds_count') - sample(text, `sextant_event_loop_delay_seconds_bucket{le="${MAX_STALL_SECONDS}"}`);

  const seen = `longest stall ${maxStall.toFixed(3)} s; first runs (ms after ready): ${JSON.stringify(Object.fromEntries(firstRuns))}`;
  t.diagnostic(seen);
  assert.deepEqual([...firstRuns.keys()].sort(), [...JOBS].sort(), `jobs that never finished a run: ${JOBS.filter((j) => !firstRuns.has(j))}; ${seen}`);
  assert.ok(statuses.every((s) => s === 200 || s === 201), `heavy requests answered ${statuses}; ${seen}`);
  assert.ok(health.length > 50 && health.every((s) => s === 200), `/-/healthy answered ${health.filter((s) => s !== 200).length} of ${health.length} times with something else; ${seen}`);
  // The analysis saw the whole history: the instances that started in the 14 days.
  const analysis = (await (await api('/alerts/analysis?from=' + (Date.now() - 15 * 86_400_000))).json()) as { total: { count: number } };
  assert.ok(analysis.total.count >= 100_000, `the analysis counted ${analysis.total.count} instances`);
  assert.ok(Number.isFinite(maxStall) && maxStall < MAX_STALL_SECONDS, `the event loop stalled: ${seen}`);
  assert.equal(stalls, 0, `${stalls} stalls over ${MAX_STALL_SECONDS} s; ${seen}`);
});
