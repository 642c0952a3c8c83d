// The fuzz suite at scale (issue 13 item 6): 10,000 seeded cases against a real `sextant serve`, the
// same cases and checks as tests/fuzz.test.ts (which sends 2,000). A fresh seed each run unless
// FUZZ_SEED is given; FUZZ_CASES and FUZZ_ONLY as in the test. Prints the tally by route and status,
// the latency percentiles and every failure with the command that replays it; exits 1 on a failure.
import { cpus, loadavg } from 'node:os';
import { fuzzSession, optionsFromEnv } from '../tests/support/fuzz/session.js';

const options = optionsFromEnv({ seed: Math.floor(Math.random() * 2 ** 31), cases: 10_000 });
const load = loadavg()[0]!.toFixed(1);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${new Date().toISOString()}, load average ${load}`);
console.log(`seed ${options.seed}, ${options.only ? `cases ${options.only.join(',')}` : `${options.cases} cases`}`);
const session = await fuzzSession({ ...options, onProgress: (done) => done % 1000 === 0 && console.log(`  ${done} cases sent`) }, (env) => `${env} npm run bench -- fuzz`);
const { result } = session;
const sorted = [...result.latencies].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const count = (pattern: RegExp) => [...result.tally].filter(([key]) => pattern.test(key)).reduce((sum, [, n]) => sum + n, 0);

console.log(`\n| cases | answers | 2xx | 4xx | 5xx | over 5 s | p50 | p99 | max | alert instances acknowledged | missing from the history | alive at the end | exit after SIGTERM | elapsed |`);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
console.log(
  `| ${result.cases.toLocaleString('en')} | ${sorted.length.toLocaleString('en')} | ${count(/ 2\d\d$/)} | ${count(/ 4\d\d$/)} | ${count(/ 5\d\d$/)} | ${sorted.filter((ms) => ms > 5_000).length} | ${at(0.5).toFixed(0)} ms | ${at(0.99).toFixed(0)} ms | ${at(1).toFixed(0)} ms | ${result.acknowledged.size.toLocaleString('en')} | ${session.missing.length} | ${session.alive ? 'yes' : 'NO'} | ${session.exitCode} | ${(result.elapsedMs / 1000).toFixed(0)} s |`,
);
console.log('\n| route | answers by status |');
console.log('|---|---|');
const routes = new Map<string, string[]>();
for (const [key, n] of [...result.tally].sort()) {
  const route = key.slice(0, key.lastIndexOf(' '));
  const statuses = routes.get(route) ?? [];
  statuses.push(`${key.slice(key.lastIndexOf(' ') + 1)}: ${n}`);
  routes.set(route, statuses);
}
for (const [route, statuses] of routes) console.log(`| ${route} | ${statuses.join(', ')} |`);
if (session.report) {
  console.log(`\n${session.report}`);
  process.exitCode = 1;
}
