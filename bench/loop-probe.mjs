// A preloaded probe that says why the service's event loop was late (Linux only): a 10 ms timer
// that, when it fires more than 70 ms late, logs how the main thread spent that time (on a core,
// waiting for one, or neither: asleep on a lock, I/O, or a garbage collection run by helper threads),
// the machine's steal time (a virtual machine's core taken by the host), and each of the process's
// threads' time on a core and waiting for one over the same stretch; plus every garbage-collection
// pause over 30 ms. Read from /proc/thread-self/schedstat, /proc/self/task/*/schedstat and /proc/stat.
//
//   SERVE_NODE_ARGS="--import ./bench/loop-probe.mjs" LOOP_PROBE_LOG=/tmp/loop.log npm run bench -- soak
//
// Reading every thread costs about 1% of a core (20 times a second); the main thread's own is read at
// each tick.
/* global performance, setInterval */
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

const LOG = process.env.LOOP_PROBE_LOG ?? 'loop-probe.log';
const TICK_MS = 10;
const LATE_MS = 70;
const GC_MS = 30;
const MAIN = String(process.pid);
const start = performance.now();

const log = (line) => appendFileSync(LOG, `${process.pid} ${((performance.now() - start) / 1000).toFixed(3)} s: ${line}\n`);
/** [ns on a core, ns waiting for one] of a thread. */
const schedstat = (path) => readFileSync(path, 'utf8').split(' ', 2).map(Number);
/** /proc/stat's first line: ticks (10 ms) of all cores in user, nice, system, idle, iowait, irq, softirq, steal. */
const machine = () => readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1, 9).map(Number);
const busyMs = (m) => (m[0] + m[1] + m[2] + m[5] + m[6] + m[7]) * 10;

function threads() {
  const times = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      times.set(tid, schedstat(`/proc/self/task/${tid}/schedstat`));
    } catch {
      // the thread ended
    }
  }
  return times;
}

/** "main 62/130 t123 40/12 ...": each busy thread's ms on a core / waiting for one between two snapshots. */
function threadsBetween(before, after) {
  const rows = [];
  for (const [tid, [cpu, wait]] of after) {
    const [cpu0, wait0] = before.get(tid) ?? [0, 0];
    rows.push({ name: tid === MAIN ? 'main' : `t${tid}`, cpu: (cpu - cpu0) / 1e6, wait: (wait - wait0) / 1e6 });
  }
  return rows
    .filter((r) => r.cpu >= 5 || r.wait >= 20)
    .sort((a, b) => b.cpu - a.cpu)
    .slice(0, 8)
    .map((r) => `${r.name} ${r.cpu.toFixed(0)}/${r.wait.toFixed(0)}`)
    .join(' ');
}

let last = { at: performance.now(), main: schedstat('/proc/thread-self/schedstat'), machine: machine() };
// Two snapshots of every thread, 50 ms or more apart: the older one starts before any stall.
const snapshots = [{ at: last.at, threads: threads(), machine: last.machine }];

setInterval(() => {
  const now = { at: performance.now(), main: schedstat('/proc/thread-self/schedstat'), machine: machine() };
  const late = now.at - last.at - TICK_MS;
  if (late > LATE_MS) {
    const cpu = (now.main[0] - last.main[0]) / 1e6;
    const wait = (now.main[1] - last.main[1]) / 1e6;
    const since = snapshots[0];
    const steal = (now.machine[7] - last.machine[7]) * 10;
    log(
      `late ${late.toFixed(0)} ms: main on a core ${cpu.toFixed(0)}, waiting for one ${wait.toFixed(0)}, neither ${(now.at - last.at - cpu - wait).toFixed(0)}; ` +
        `steal ${steal} ms; over the last ${(now.at - since.at).toFixed(0)} ms the machine's cores were busy ${busyMs(now.machine) - busyMs(since.machine)} ms; ` +
        `threads (ms on a core / waiting): ${threadsBetween(since.threads, threads())}`,
    );
  }
  last = now;
  if (now.at - snapshots[snapshots.length - 1].at >= 50) {
    snapshots.push({ at: now.at, threads: threads(), machine: now.machine });
    if (snapshots.length > 2) snapshots.shift();
  }
}, TICK_MS).unref();

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.duration > GC_MS) log(`garbage collection (kind ${e.detail?.kind}) ${e.duration.toFixed(0)} ms`);
}).observe({ entryTypes: ['gc'] });
