// The README's quick tour, run as a new user runs it: the commands are read from README.md itself
// (so this test fails when the README goes stale), run one after another in one bash (so TOKEN=...
// carries on) against the demo service started from the repository's own sextant.yaml, and each
// answer must hold sensible data: on any day, since the tour's times are relative to now.
// Differences from `npm start`, all through the documented SEXTANT_* overrides: a free port instead
// of 9890, a warehouse in a temporary folder, and three days of demo history instead of 14: the tour
// looks at the last two days, and any 60 hours of the demo hold an error burst, a latency regression,
// a flapping alert or an OOM restart (computed from the scenario over a month), so high and critical
// anomalies are there on any day.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './support/prometheus.js';
import { shellBlockAfter, splitCommands } from './support/shell-commands.js';

const root = join(import.meta.dirname, '..');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Frame {
  fields: { name: string; type: string; values: (number | null)[]; labels?: Record<string, string> }[];
}

/** What one quick-tour command must answer; `command` tells which command it is for. */
interface TourCheck {
  name: string;
  command: RegExp;
  check: (output: string, now: number) => void;
}

const json = (output: string): unknown => JSON.parse(output);
const frames = (output: string): Frame[] => (json(output) as { frames: Frame[] }).frames;

/** Every field of every frame: a time field of times in [from, to) and number fields (measures) whose values pass `value`. */
function checkFrames(list: Frame[], from: number, to: number, label: string, value: (v: number) => boolean): void {
  assert.ok(list.length > 0, 'no frames');
  for (const frame of list) {
    const [time, ...measures] = frame.fields;
    assert.equal(time?.type, 'time');
    assert.ok(time.values.length > 0, 'a frame without rows');
    for (const t of time.values) assert.ok((t as number) >= from && (t as number) < to, `time ${new Date(t as number).toISOString()} outside the asked range`);
    assert.ok(measures.length > 0);
    for (const m of measures) {
      assert.ok(m.labels?.[label], `measure ${m.name} without label ${label}`);
      assert.ok(m.values.every((v) => v !== null && value(v)), `${m.name}: ${m.values.join(', ')}`);
    }
  }
}

const CHECKS: TourCheck[] = [
  { name: 'ready', command: /\/-\/ready$/, check: (out) => assert.match(out, /ready/) },
  {
    name: 'anomaly scores in /metrics, highest first',
    command: /\/metrics /,
    check: (out) => {
      const lines = out.trim().split('\n');
      assert.ok(lines.length >= 1 && lines.length <= 5, out);
      const scores = lines.map((line) => {
        const m = /^sextant_anomaly_score\{.*sextant_dataset="[a-z_0-9]+".*\} (\S+)$/.exec(line);
        assert.ok(m, `not an anomaly score: ${line}`);
        return Number(m[1]);
      });
      assert.ok(scores.every((s) => s >= 0 && s <= 1), `scores outside [0, 1]: ${scores.join(', ')}`);
      assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'not highest first');
      assert.ok((scores[0] as number) > 0, 'every score is 0');
    },
  },
  { name: 'the token', command: /^TOKEN=\S+$/, check: (out) => assert.equal(out, '') },
  {
    name: 'datasets',
    command: /\/api\/v1\/datasets$/,
    check: (out, now) => {
      const { datasets } = json(out) as { datasets: { name: string; watermark: number | null }[] };
      const cpu = datasets.find((d) => d.name === 'node_cpu_utilisation_ratio');
      assert.ok(cpu?.watermark && cpu.watermark > now - HOUR, `node_cpu_utilisation_ratio not ingested up to now: ${JSON.stringify(cpu)}`);
    },
  },
  {
    name: 'high and critical anomalies',
    command: /\/api\/v1\/anomalies\?severity=high,critical&limit=5'$/,
    check: (out) => {
      const { anomalies } = json(out) as { anomalies: { severity: string; peakScore: number; dataset: string }[] };
      assert.ok(anomalies.length >= 1 && anomalies.length <= 5, out.slice(0, 300));
      for (const a of anomalies) assert.ok(['high', 'critical'].includes(a.severity) && a.peakScore >= 0.8, JSON.stringify(a));
    },
  },
  {
    name: 'CPU per host and hour, last 24 h',
    command: /"groupBy":\["instance"\].*"range":\{"start":"now-24h","end":"now"\}/s,
    check: (out, now) => {
      const list = frames(out);
      checkFrames(list, Math.floor((now - 25 * HOUR) / HOUR) * HOUR, now + 60_000, 'instance', (v) => v >= 0 && v <= 1);
      assert.equal(list.length, 4, 'one frame per demo host');
      // Hourly buckets over the last day: at least 23 of them (the newest may not be rolled up yet).
      assert.ok(list.every((f) => f.fields[0]!.values.length >= 23), list.map((f) => f.fields[0]!.values.length).join(', '));
    },
  },
  {
    name: 'the hosts reference table',
    command: /\/api\/v1\/reference\/hosts$/,
    check: (out) => {
      const { rows } = json(out) as { rows: { instance: string; team: string; cost_per_hour: number }[] };
      assert.equal(rows.length, 4);
      assert.ok(rows.every((r) => r.team && r.cost_per_hour > 0), JSON.stringify(rows));
    },
  },
  {
    name: 'cost-weighted CPU per team and day, last two whole days',
    command: /"groupBy":\["hosts\.team"\].*"range":\{"start":"now-2d\/d","end":"now\/d"\}/s,
    check: (out, now) => {
      const today = Math.floor(now / DAY) * DAY;
      const list = frames(out);
      checkFrames(list, today - 2 * DAY, today, 'hosts.team', (v) => v > 0);
      // The service's history starts three days before it started: yesterday is whole, every team has it.
      assert.ok(list.every((f) => f.fields[0]!.values.includes(today - DAY)), 'a team without yesterday');
    },
  },
];

let dir: string;
let child: ChildProcess;
let port: number;
let stderr = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sextant-tour-'));
  copyFileSync(join(root, 'sextant.yaml'), join(dir, 'sextant.yaml'));
  port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEXTANT_')));
  child = spawn(process.execPath, [join(root, 'exporter', 'dist', 'cli.js'), 'serve', '--config', join(dir, 'sextant.yaml')], {
    env: { ...env, SEXTANT_SERVER_PORT: String(port), SEXTANT_INGEST_INITIAL_LOOKBACK: '3d' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
});

after(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const MARK = '\u001fend-of-command';

/** Runs `commands` in one bash, in order, and returns each one's output and exit status. */
function runTour(commands: string[]): { output: string; status: number }[] {
  const script = ['set -o pipefail', ...commands.map((c) => `${c}\nprintf '\\n${MARK} %d\\n' $?`)].join('\n');
  const result = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const parts = result.stdout.split(new RegExp(`\\n${MARK} (\\d+)\\n`));
  return commands.map((_, i) => ({ output: (parts[2 * i] as string).trim(), status: Number(parts[2 * i + 1]) }));
}

test('the README quick tour answers every command with real data, on any day', { timeout: 420_000 }, async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = shellBlockAfter(readme, '## Quick tour');
  assert.match(block, /localhost:9890/, 'the tour talks to the default port');
  assert.doesNotMatch(block, /\d{4}-\d{2}-\d{2}T/, 'a fixed date in the quick tour goes stale');
  const commands = splitCommands(block).map((c) => c.replaceAll('localhost:9890', `localhost:${port}`));
  const checkOf = commands.map((command) => {
    const found = CHECKS.filter((c) => c.command.test(command));
    assert.equal(found.length, 1, `a quick-tour command with ${found.length} checks here (add or fix one): ${command}`);
    return found[0] as TourCheck;
  });
  assert.deepEqual(CHECKS.filter((c) => !checkOf.includes(c)).map((c) => c.name), [], 'checks for commands the README no longer has');

  // "Within a minute or two": the first ingest, scoring and rollups take a while on a loaded machine.
  let failures: string[] = [];
  const deadline = Date.now() + 360_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) assert.fail(`the service exited ${child.exitCode}: ${stderr}`);
    const now = Date.now();
    const answers = runTour(commands);
    failures = answers.flatMap(({ output, status }, i) => {
      try {
        assert.equal(status, 0, `exit status ${status}: ${output.slice(0, 200)}`);
        checkOf[i]!.check(output, now);
        return [];
      } catch (error) {
        return [`${checkOf[i]!.name}: ${(error as Error).message.split('\n')[0]}`];
      }
    });
    if (failures.length === 0) return;
    await sleep(5_000);
  }
  assert.fail(`quick tour still failing:\n${failures.join('\n')}\nservice stderr (end): ${stderr}`);
});
