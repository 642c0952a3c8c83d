import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { createLogger } from '../log.js';
import type { Job } from './job.js';
import { createScheduler } from './scheduler.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
}

test('a job never overlaps itself, failures are logged and counted, and the loop goes on', async () => {
  const registry = new Registry();
  const logs: string[] = [];
  let running = 0;
  let maxRunning = 0;
  let count = 0;
  const enough = deferred();
  const job: Job = {
    name: 'flaky',
    intervalMs: 1,
    async run() {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      count += 1;
      await new Promise((r) => setImmediate(r));
      running -= 1;
      if (count >= 6) enough.resolve();
      else if (count % 2 === 0) throw new Error(`boom ${count}`);
    },
  };
  const scheduler = createScheduler({ jobs: [job], registry, log: createLogger('info', (l) => logs.push(l)) });
  scheduler.start();
  await enough.promise;
  await scheduler.stop();
  assert.equal(maxRunning, 1);
  const errors = await metricValue(registry, 'sextant_job_runs_total', { job: 'flaky', outcome: 'error' });
  const oks = await metricValue(registry, 'sextant_job_runs_total', { job: 'flaky', outcome: 'ok' });
  assert.equal((errors ?? 0) + (oks ?? 0), count);
  assert.equal(errors, 2);
  const failures = logs.map((l) => JSON.parse(l)).filter((e) => e.msg === 'job run failed');
  assert.equal(failures.length, errors);
  assert.deepEqual({ job: failures[0].job, error: failures[0].error, level: failures[0].level }, { job: 'flaky', error: 'boom 2', level: 'error' });
  const histogram = await registry.getSingleMetric('sextant_job_duration_seconds')?.get();
  assert.equal(histogram?.values.find((v) => (v as { metricName?: string }).metricName === 'sextant_job_duration_seconds_count')?.value, count);
});

test('stop() ends the wait at once and waits for the run in flight, whose signal aborts', async () => {
  const registry = new Registry();
  const started = deferred();
  const release = deferred();
  let sawAbort = false;
  let finished = false;
  const slow: Job = {
    name: 'slow',
    intervalMs: 3_600_000,
    async run(signal) {
      started.resolve();
      await release.promise;
      sawAbort = signal.aborted;
      finished = true;
    },
  };
  let idleRuns = 0;
  const idle: Job = {
    name: 'idle',
    intervalMs: 3_600_000,
    async run() {
      idleRuns += 1;
    },
  };
  const scheduler = createScheduler({ jobs: [slow, idle], registry, log: createLogger('error', () => {}) });
  scheduler.start();
  await started.promise;
  let stopped = false;
  const stopping = scheduler.stop().then(() => {
    stopped = true;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(stopped, false, 'stop() returned before the in-flight run ended');
  release.resolve();
  await stopping;
  assert.ok(finished && sawAbort);
  assert.equal(idleRuns, 1, 'the idle job ran once and its hour-long wait was cut short');
  assert.equal(await metricValue(registry, 'sextant_job_runs_total', { job: 'slow', outcome: 'ok' }), 1);
});

test('a run that throws because it was aborted counts as aborted, not as an error', async () => {
  const registry = new Registry();
  const started = deferred();
  const job: Job = {
    name: 'abortable',
    intervalMs: 1000,
    run: (signal) =>
      new Promise<void>((_resolve, reject) => {
        started.resolve();
        signal.addEventListener('abort', () => reject(new Error('aborted')));
      }),
  };
  const scheduler = createScheduler({ jobs: [job], registry, log: createLogger('error', () => {}) });
  scheduler.start();
  await started.promise;
  await scheduler.stop();
  assert.equal(await metricValue(registry, 'sextant_job_runs_total', { job: 'abortable', outcome: 'aborted' }), 1);
  assert.equal(await metricValue(registry, 'sextant_job_runs_total', { job: 'abortable', outcome: 'error' }), 0);
});
