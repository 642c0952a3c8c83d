import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'sextant-detect-'));
after(() => rmSync(work, { recursive: true, force: true }));

function detect(input: string, output: string) {
  return spawnSync(process.execPath, [cli, 'detect', '--input-dir', input, '--output-dir', output], { encoding: 'utf8' });
}

/** A calm daily-ish series with one spike at `spikeAt`. */
function series(n: number, spikeAt: number): string {
  const rows = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
    const v = i === spikeAt ? 500 : 50 + 10 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 13) / 13;
    rows.push(`${t},${v}`);
  }
  return rows.join('\n') + '\n';
}

test('scores every CSV under the input directory into the same relative path, row for row', () => {
  const input = join(work, 'in');
  mkdirSync(join(input, 'a', 'b'), { recursive: true });
  writeFileSync(join(input, 'top.csv'), series(800, 700));
  writeFileSync(join(input, 'a', 'b', 'nested.csv'), series(300, 250));
  const output = join(work, 'out');
  const r = detect(input, output);
  assert.equal(r.status, 0, r.stderr);
  for (const rel of ['top.csv', join('a', 'b', 'nested.csv')]) {
    const inLines = readFileSync(join(input, rel), 'utf8').trim().split('\n');
    const outLines = readFileSync(join(output, rel), 'utf8').trim().split('\n');
    assert.equal(outLines[0], 'timestamp,value,anomaly_score');
    assert.equal(outLines.length, inLines.length);
    for (let i = 1; i < inLines.length; i++) {
      const cells = outLines[i]!.split(',');
      assert.equal(cells.slice(0, 2).join(','), inLines[i], `row ${i} keeps timestamp and value`);
      const score = Number(cells[2]);
      assert.ok(score >= 0 && score <= 1, `row ${i} score ${cells[2]} in [0,1]`);
    }
  }
  const scores = readFileSync(join(output, 'top.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
  const spike = scores[700]!;
  const othersMax = Math.max(...scores.slice(300, 700), ...scores.slice(701 + 100));
  assert.ok(spike > 0.5 && spike > othersMax, `spike scores ${spike}, the calm rest at most ${othersMax}`);
});

test('a malformed CSV gets an error naming the file and line, and a non-zero exit', () => {
  const input = join(work, 'bad');
  mkdirSync(input, { recursive: true });
  writeFileSync(join(input, 'broken.csv'), 'timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,abc\n');
  const r = detect(input, join(work, 'bad-out'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /broken\.csv:3: value "abc" is not a number/);
});

test('a CSV without timestamp and value columns is rejected at line 1', () => {
  const input = join(work, 'header');
  mkdirSync(input, { recursive: true });
  writeFileSync(join(input, 'h.csv'), 'time,v\n1,2\n');
  const r = detect(input, join(work, 'header-out'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /h\.csv:1: header must name "timestamp" and "value"/);
});

test('missing options print usage and exit 2', () => {
  const r = spawnSync(process.execPath, [cli, 'detect'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--input-dir and --output-dir are required/);
});

/** A wide group: load, latency that follows it, and an independent queue length; `label` marks the incident rows. */
function wideGroup(n: number, spikeAt: number): string {
  const rows = ['timestamp,load,latency,queue,label'];
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    const load = 50 + 20 * Math.sin(i / 37) + ((i * 7919) % 13) / 13;
    const latency = load * 0.5 + ((i * 104729) % 7) / 7 + (i === spikeAt ? 80 : 0);
    const queue = 5 + ((i * 31) % 5) / 5;
    rows.push(`${t},${load},${latency},${queue},${i === spikeAt ? 1 : 0}`);
  }
  return rows.join('\n') + '\n';
}

test('a wide (gzipped) file is scored as a group: group score, each column, ranked blame, label ignored, causal', () => {
  const input = join(work, 'wide-in');
  mkdirSync(input, { recursive: true });
  const text = wideGroup(1500, 1400);
  writeFileSync(join(input, 'svc.csv.gz'), gzipSync(text));
  writeFileSync(join(input, 'head.csv'), text.split('\n').slice(0, 1201).join('\n') + '\n');
  const output = join(work, 'wide-out');
  const r = detect(input, output);
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(join(output, 'svc.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'timestamp,anomaly_score,max_series_score,blame,load,latency,queue');
  assert.equal(lines.length, 1501);
  const rows = lines.slice(1).map((l) => l.split(','));
  for (const [i, cells] of rows.entries()) {
    const [group, maxSeries, ...columns] = [cells[1], cells[2], ...cells.slice(4)].map(Number);
    for (const s of [group!, maxSeries!, ...columns]) assert.ok(s >= 0 && s <= 1, `row ${i}: score ${s}`);
    // The group's alarm is corroborated or a column's out-of-range alarm: never above its highest column's score.
    assert.ok(group! <= Math.max(...columns), `row ${i}: group ${group} above its columns`);
  }
  // A latency spike alone: the latency column alarms and is blamed; the group (one member, no
  // second within 15 minutes) alarms only because the spike is beyond anything latency has shown.
  const spike = rows[1400]!;
  assert.ok(Number(spike[2]) > 0.5, `the latency spike scores ${spike[2]} for its column`);
  assert.ok(Number(spike[5]) > 0.5, `the latency column scores ${spike[5]}`);
  assert.equal(spike[3]!.split(' ')[0], 'latency', `blame at the spike: "${spike[3]}"`);
  assert.ok(Number(spike[1]) >= 0.8, `the group alarms at the out-of-range spike: ${spike[1]}`);
  const calm = Math.max(...rows.slice(600, 1400).map((c) => Number(c[2])));
  assert.ok(Number(spike[2]) > calm, `spike ${spike[2]} above the calm stretch's maximum ${calm}`);
  // Causality: the first 1200 rows alone score exactly as they do inside the whole file.
  const head = readFileSync(join(output, 'head.csv'), 'utf8').trim().split('\n');
  assert.deepEqual(head, lines.slice(0, 1201));
});

test('a wide file with a non-numeric cell is refused with file, line and column', () => {
  const input = join(work, 'wide-bad');
  mkdirSync(input, { recursive: true });
  writeFileSync(join(input, 'w.csv'), 'timestamp,a,b\n2024-01-01T00:00:00Z,1,2\n2024-01-01T00:01:00Z,1,x\n');
  const r = detect(input, join(work, 'wide-bad-out'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /w\.csv:3: b "x" is not a number/);
});
