// The event loop's long tasks in a CPU profile of the service (`node --cpu-prof`), and what each
// was busy with: the measuring tool behind the stall tables of bench/results/soak.md.
//
//   SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" SOAK_SECONDS=150 npm run bench -- soak
//   npx tsx bench/long-tasks.ts /tmp/prof/<the service's main-thread profile>.cpuprofile [min ms, default 100]
//
// A task is a run of samples of JavaScript (and the garbage collection inside it) with no sample of
// the loop waiting ("(idle)") or in native code between callbacks ("(program)"). Two callbacks in a
// row with no sample between them count as one task, so a task's length is an upper bound; the
// service's own sextant_event_loop_delay_max_seconds is the exact measure, this tells what ran. For each task over the bound: its length, the job or route whose code it ran most
// (the outermost function of exporter/src on its stacks), and the functions of the repository
// (core and service) that took most of it, inclusive. On a loaded machine a task's wall time is
// mostly waiting for a core; its time on the CPU (estimated from the samples) is what slicing cuts.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, minArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/long-tasks.ts PROFILE.cpuprofile [min ms]');
const minMs = Number(minArg ?? 100);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const ours = (n: ProfileNode) => /\/(exporter|src)\/(dist\/)?/.test(n.callFrame.url) && !n.callFrame.url.includes('node_modules');
const name = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*?\/(exporter|src)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
/** The sample's stack, innermost first. */
const stackOf = (id: number): ProfileNode[] => {
  const out: ProfileNode[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) out.push(byId.get(at)!);
  return out;
};

/** A gap between samples beyond this means the thread was off the CPU (the machine is shared). */
const SAMPLE_MS = 1.5;

interface Task {
  startMs: number;
  ms: number;
  /** `ms` without the time the thread waited for a core: each sample counts at most SAMPLE_MS. */
  cpuMs: number;
  samples: { node: number; ms: number }[];
}
const tasks: Task[] = [];
let current: Task | undefined;
let clock = 0;
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  const fn = byId.get(id)!.callFrame.functionName;
  if (fn === '(idle)' || fn === '(program)') current = undefined;
  else if (fn === '(garbage collector)' && !current) {
    // Between tasks: neither starts one nor ends one.
  } else {
    if (!current) tasks.push((current = { startMs: clock, ms: 0, cpuMs: 0, samples: [] }));
    current.ms += ms;
    current.cpuMs += Math.min(ms, SAMPLE_MS);
    current.samples.push({ node: id, ms });
  }
  clock += ms;
});

const long = tasks.filter((t) => t.ms >= minMs).sort((a, b) => b.cpuMs - a.cpuMs);
process.stdout.write(`${tasks.length} tasks in ${(clock / 1000).toFixed(1)} s; ${long.length} of ${minMs} ms or more\n\n`);
const rank = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} (${v.toFixed(0)})`).join('; ');
/** The file of a function's name, e.g. "exporter/dist/jobs/score.js" for "scoreTenant exporter/dist/jobs/score.js:85". */
const fileOf = (key: string) => /\S+(?=:\d+$)/.exec(key)?.[0];
const rows: string[] = [];
/** Per file of the task's outermost sextant functions (the job or route that ran it): its longest task. */
const byArea = new Map<string, { tasks: number; ms: number; cpuMs: number }>();
for (const task of long) {
  const outermost = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const sample of task.samples) {
    const node = sample.node;
    const ms = Math.min(sample.ms, SAMPLE_MS);
    const stack = stackOf(node).filter(ours);
    const seen = new Set<string>();
    for (const n of stack) {
      const key = name(n);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
    const top = stack.at(-1);
    const key = top ? name(top) : stackOf(node)[0]!.callFrame.functionName || '(native)';
    outermost.set(key, (outermost.get(key) ?? 0) + ms);
  }
  const area = [...outermost].filter(([k]) => fileOf(k)).sort((a, b) => b[1] - a[1])[0]?.[0];
  const file = (area && fileOf(area)) ?? '(no sextant code)';
  const seen = byArea.get(file) ?? { tasks: 0, ms: 0, cpuMs: 0 };
  byArea.set(file, { tasks: seen.tasks + 1, ms: Math.max(seen.ms, task.ms), cpuMs: Math.max(seen.cpuMs, task.cpuMs) });
  if (rows.length < 40) rows.push(`| ${(task.startMs / 1000).toFixed(1)} | ${task.ms.toFixed(0)} | ${task.cpuMs.toFixed(0)} | ${rank(outermost, 2)} | ${rank(inclusive, 5)} |`);
}
process.stdout.write('| file of the outermost sextant code | tasks | longest ms | longest on CPU ms (est.) |\n|---|---|---|---|\n');
for (const [file, a] of [...byArea].sort((x, y) => y[1].cpuMs - x[1].cpuMs)) process.stdout.write(`| ${file} | ${a.tasks} | ${a.ms.toFixed(0)} | ${a.cpuMs.toFixed(0)} |\n`);
process.stdout.write('\n| at s | ms | on CPU ms (est.) | mostly in (outermost sextant function) | heaviest sextant functions (inclusive, on CPU ms) |\n|---|---|---|---|---|\n');
process.stdout.write(`${rows.join('\n')}\n`);
