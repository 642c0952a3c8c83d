// One fuzz session, as `npm test` and `npm run bench -- fuzz` run it: a real `sextant serve` on the
// demo source with four tokens (admin, editor and viewer of tenant default, admin of tenant other),
// the cases of one seed sent at it, then the checks: every answer acceptable, every acknowledged alert
// in the history, the process still alive and answering. FUZZ_SEED, FUZZ_CASES and FUZZ_ONLY (case
// indexes, comma-separated) replay a run or single cases.
import { startServe } from '../serve-process.js';
import type { FuzzTokens } from './requests.js';
import { describeFailure, discover, runFuzz, verifyAcknowledged, type FuzzResult } from './run.js';

export const FUZZ_TOKENS: FuzzTokens = {
  admin: 'fuzz-admin-token-of-default',
  editor: 'fuzz-editor-token-of-default',
  viewer: 'fuzz-viewer-token-of-default',
  other: 'fuzz-admin-token-of-other',
};

const config = (port: number) =>
  [
    `server: { listen: 127.0.0.1, port: ${port}, shutdownTimeout: 20s }`,
    'warehouse: { path: w.duckdb }',
    'auth:',
    '  tokens:',
    `    - { name: admin, token: ${FUZZ_TOKENS.admin}, tenant: default, role: admin }`,
    `    - { name: editor, token: ${FUZZ_TOKENS.editor}, tenant: default, role: editor }`,
    `    - { name: viewer, token: ${FUZZ_TOKENS.viewer}, tenant: default, role: viewer }`,
    `    - { name: other, token: ${FUZZ_TOKENS.other}, tenant: other, role: admin }`,
    'source: { kind: demo, demo: { seed: 5 } }',
    'ingest: { initialLookback: 2h, chunk: 1h }',
    'reports: { enabled: false }',
    '',
  ].join('\n');

export interface FuzzSession {
  result: FuzzResult;
  /** Acknowledged alert instances the history does not show. */
  missing: string[];
  alive: boolean;
  /** The exit code after SIGTERM (0: a clean shutdown). */
  exitCode: number | null;
  /** The failures, each described, and how to replay them. */
  report: string;
}

export interface SessionOptions {
  seed: number;
  cases: number;
  only?: readonly number[];
  concurrency?: number;
  onProgress?: (done: number) => void;
}

/** Options from FUZZ_SEED, FUZZ_CASES and FUZZ_ONLY, with these defaults. */
export function optionsFromEnv(defaults: { seed: number; cases: number }): SessionOptions {
  const env = process.env;
  const only = env.FUZZ_ONLY ? env.FUZZ_ONLY.split(',').map(Number) : undefined;
  return { seed: env.FUZZ_SEED ? Number(env.FUZZ_SEED) : defaults.seed, cases: env.FUZZ_CASES ? Number(env.FUZZ_CASES) : defaults.cases, ...(only ? { only } : {}) };
}

export async function fuzzSession(options: SessionOptions, replay: (env: string) => string): Promise<FuzzSession> {
  const service = await startServe(config);
  let stopped = false;
  try {
    const ctx = await discover(service.url, FUZZ_TOKENS, Date.now());
    const indexes = options.only ?? Array.from({ length: options.cases }, (_, i) => i);
    const result = await runFuzz({ url: service.url, seed: options.seed, indexes, ctx, concurrency: options.concurrency ?? 6, slowMs: 5_000, onProgress: options.onProgress });
    const healthy = service.alive() && (await fetch(`${service.url}/-/healthy`).then((r) => r.ok, () => false));
    const missing = healthy ? await verifyAcknowledged(service.url, FUZZ_TOKENS, result.acknowledged) : ['the service died: nothing could be read back'];
    const log = service.log();
    stopped = true;
    const exitCode = await service.stop();
    const failing = result.failures.map((f) => f.index);
    const report = [
      ...result.failures.slice(0, 20).map((f) => describeFailure(f, log)),
      ...(result.failures.length > 20 ? [`... and ${result.failures.length - 20} more failures`] : []),
      ...missing.slice(0, 20),
      ...(healthy ? [] : [`the service is not alive at the end; its log ends:\n${log.slice(-3000)}`]),
      ...(failing.length > 0 || missing.length > 0 || !healthy
        ? [`seed ${options.seed}; replay the run: ${replay(`FUZZ_SEED=${options.seed} FUZZ_CASES=${options.cases}`)}`, ...(failing.length > 0 ? [`only the failing cases: ${replay(`FUZZ_SEED=${options.seed} FUZZ_ONLY=${[...new Set(failing)].slice(0, 50).join(',')}`)}`] : [])]
        : []),
    ].join('\n');
    return { result, missing, alive: healthy, exitCode, report };
  } finally {
    if (!stopped) await service.stop();
  }
}
