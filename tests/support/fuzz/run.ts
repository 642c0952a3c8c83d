// Sends fuzz cases to a running service and checks every answer: no 5xx, none slower than the
// limit, every 4xx a JSON `{"error": "..."}` that says something and shows no internals (paths,
// stack frames, DuckDB's or JavaScript's error text). Every alert a webhook acknowledged (2xx) is
// remembered, and `verifyAcknowledged` reads each back through the history API afterwards.
import { Agent, request as httpRequest } from 'node:http';
import { fuzzCase, type FuzzContext, type FuzzRequest, type FuzzTokens } from './requests.js';

export interface Answer {
  status: number;
  ms: number;
  contentType: string;
  text: string;
  /** A network error instead of an answer. */
  error?: string;
}

export interface Failure {
  index: number;
  request: FuzzRequest;
  answer: Answer;
  problem: string;
}

export interface FuzzResult {
  seed: number;
  cases: number;
  /** Answers by route and status: "POST /query 400" -> count. */
  tally: Map<string, number>;
  failures: Failure[];
  /** Latency of every answer, in ms. */
  latencies: number[];
  /** Acknowledged alert instances: "tenant fingerprint startsAtMs" -> states acknowledged. */
  acknowledged: Map<string, Set<string>>;
  elapsedMs: number;
}

export interface FuzzOptions {
  url: string;
  seed: number;
  /** Case indexes to send (all of 0..cases-1, or the ones to replay). */
  indexes: readonly number[];
  ctx: FuzzContext;
  concurrency: number;
  /** Answers slower than this fail (5 s). */
  slowMs: number;
  onProgress?: (done: number) => void;
}

// What an error body must never show: absolute paths, stack frames, the warehouse's and the runtime's own words.
const INTERNALS = /(\/(?:work|tmp|home|usr|var|root|opt)\/|\bat [\w.<>]+ \(|node_modules|\.(?:ts|js):\d+|duckdb|Binder Error|Catalog Error|Parser Error|Conversion Error|INTERNAL Error|TypeError|ReferenceError|RangeError|Cannot read propert|is not a function|undefined is not|Maximum call stack)/i;

/** Why `answer` is not acceptable, or undefined. */
export function problemOf(answer: Answer, slowMs: number): string | undefined {
  if (answer.error !== undefined) return `no answer: ${answer.error}`;
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.ms > slowMs) return `answered after ${Math.round(answer.ms)} ms (limit ${slowMs} ms)`;
  if (answer.status < 400) return undefined;
  if (!/^application\/json\b/.test(answer.contentType)) return `a ${answer.status} that is not JSON (${answer.contentType || 'no Content-Type'})`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `a ${answer.status} whose body does not parse as JSON`;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== 'string' || error.length < 10) return `a ${answer.status} without a clear "error" text`;
  // An error that repeats a megabyte of the request back says nothing clearly.
  if (error.length > 10_000) return `a ${answer.status} whose error is ${error.length} characters long`;
  const internal = INTERNALS.exec(error);
  if (internal) return `a ${answer.status} showing internals ("${internal[0]}")`;
  return undefined;
}

const agentOf = (concurrency: number) => new Agent({ keepAlive: true, maxSockets: concurrency });

/** Sends one request; the answer or the network error, and its time. */
export function send(url: string, req: Pick<FuzzRequest, 'method' | 'path' | 'headers' | 'body'>, agent?: Agent, timeoutMs = 30_000): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: Omit<Answer, 'ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...answer, ms: performance.now() - started });
    };
    const headers = { ...req.headers, ...(req.body !== undefined ? { 'content-length': String(req.body.length) } : {}) };
    const outgoing = httpRequest(`${url}${req.path}`, { method: req.method, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= 4_000_000) chunks.push(chunk);
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => done({ status: 0, contentType: '', text: '', error: error.message }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', (error) => done({ status: 0, contentType: '', text: '', error: error.message }));
    outgoing.end(req.body);
  });
}

/** The alert instances a webhook body acknowledges, as "fingerprint startsAtMs" and state. */
function alertsOf(text: string): { key: string; state: string }[] {
  const payload = JSON.parse(text.replace(/^\ufeff/, '')) as { alerts: { fingerprint: string; startsAt: string; status: string }[] };
  return payload.alerts.map((a) => ({ key: `${a.fingerprint} ${Date.parse(a.startsAt)}`, state: a.status }));
}

/** Sends the cases `indexes` of `seed`, `concurrency` at a time, and checks every answer. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const agent = agentOf(options.concurrency);
  const result: FuzzResult = { seed: options.seed, cases: options.indexes.length, tally: new Map(), failures: [], latencies: [], acknowledged: new Map(), elapsedMs: 0 };
  const started = performance.now();
  let next = 0;
  let done = 0;
  const check = (index: number, request: FuzzRequest, answer: Answer) => {
    const tallyKey = `${request.route} ${answer.error !== undefined ? 'network error' : answer.status}`;
    result.tally.set(tallyKey, (result.tally.get(tallyKey) ?? 0) + 1);
    result.latencies.push(answer.ms);
    const problem = problemOf(answer, options.slowMs);
    if (problem) result.failures.push({ index, request, answer, problem });
  };
  const worker = async () => {
    while (next < options.indexes.length) {
      const index = options.indexes[next++]!;
      const request = fuzzCase(options.seed, index, options.ctx);
      const answer = await send(options.url, request, agent);
      check(index, request, answer);
      if (answer.status >= 200 && answer.status < 300 && request.route === 'POST /alerts/webhook' && request.tenant !== undefined) {
        for (const { key, state } of alertsOf(request.text!)) {
          const tenantKey = `${request.tenant} ${key}`;
          result.acknowledged.set(tenantKey, (result.acknowledged.get(tenantKey) ?? new Set()).add(state));
        }
      }
      // A backfill that started is cancelled at once: the run tests the API, not the demo's history.
      const id = answer.status === 202 && request.route === 'POST /backfill' ? (JSON.parse(answer.text) as { backfill?: { id?: string } }).backfill?.id : undefined;
      if (id !== undefined) {
        const cancel = { ...request, route: 'DELETE /backfill/{id}', method: 'DELETE', path: `/api/v1/backfill/${id}`, headers: { authorization: request.headers.authorization ?? '' } };
        delete cancel.body;
        check(index, cancel, await send(options.url, cancel, agent));
      }
      options.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  result.elapsedMs = performance.now() - started;
  return result;
}

/** The acknowledged alert instances the history API does not show (with the states missing). */
export async function verifyAcknowledged(url: string, tokens: FuzzTokens, acknowledged: Map<string, Set<string>>): Promise<string[]> {
  const tokenOf: Record<string, string> = { default: tokens.admin, other: tokens.other };
  const byFingerprint = new Map<string, Map<string, Set<string>>>();
  for (const [key, states] of acknowledged) {
    const [tenant, fingerprint, startsAt] = key.split(' ') as [string, string, string];
    const group = `${tenant} ${fingerprint}`;
    const instances = byFingerprint.get(group) ?? new Map<string, Set<string>>();
    instances.set(startsAt, states);
    byFingerprint.set(group, instances);
  }
  const missing: string[] = [];
  const agent = agentOf(4);
  const groups = [...byFingerprint];
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const [group, instances] = groups[next++]!;
      const [tenant, fingerprint] = group.split(' ') as [string, string];
      const answer = await send(url, { method: 'GET', path: `/api/v1/alerts/history?fingerprint=${fingerprint}&from=0&limit=10000`, headers: { authorization: `Bearer ${tokenOf[tenant]}` } }, agent);
      if (answer.status !== 200) {
        missing.push(`${group}: the history answered ${answer.status} ${answer.error ?? answer.text.slice(0, 200)}`);
        continue;
      }
      const stored = new Map<string, Set<string>>();
      for (const e of (JSON.parse(answer.text) as { events: { startsAtMs: number; state: string }[] }).events) {
        stored.set(String(e.startsAtMs), (stored.get(String(e.startsAtMs)) ?? new Set()).add(e.state));
      }
      for (const [startsAt, states] of instances) {
        const have = stored.get(startsAt);
        // A firing after a resolution is ignored by design; the instance itself and its resolution never are.
        if (!have) missing.push(`${group} starting ${new Date(Number(startsAt)).toISOString()}: not in the history`);
        else if (states.has('resolved') && !have.has('resolved')) missing.push(`${group} starting ${new Date(Number(startsAt)).toISOString()}: its resolution is not in the history`);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  agent.destroy();
  return missing;
}

/** What the fuzzer needs to know first: the tenant's datasets and recommendations. */
export async function discover(url: string, tokens: FuzzTokens, now: number): Promise<FuzzContext> {
  const get = async (path: string) => {
    const answer = await send(url, { method: 'GET', path: `/api/v1${path}`, headers: { authorization: `Bearer ${tokens.admin}` } });
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.text}`);
    return JSON.parse(answer.text) as unknown;
  };
  const datasets = ((await get('/datasets')) as { datasets: { name: string }[] }).datasets.map((d) => d.name);
  const recommendations = ((await get('/recommendations?status=open,applied,dismissed')) as { recommendations: { id: string }[] }).recommendations.map((r) => r.id);
  return { now, tokens, datasets, recommendationIds: recommendations };
}

/** A failure as a paragraph someone can act on: the case, the request (body cut), the answer, and the service's log line of a 500. */
export function describeFailure(failure: Failure, serviceLog = ''): string {
  const { request, answer } = failure;
  const body = request.text ?? request.body?.toString('utf8');
  const errorId = /"errorId":"([0-9a-f-]{36})"/.exec(answer.text)?.[1];
  const logged = errorId ? serviceLog.split('\n').find((line) => line.includes(errorId)) : undefined;
  return [
    `case ${failure.index} (${request.route}): ${failure.problem}`,
    `  request: ${request.method} ${request.path.slice(0, 300)} ${JSON.stringify(request.headers)}`,
    `  changes: ${request.changes.join('; ') || 'none (a valid request)'}`,
    ...(body !== undefined ? [`  body (${request.body?.length ?? 0} bytes sent): ${JSON.stringify(body.slice(0, 400))}`] : []),
    `  answer: ${answer.status} in ${Math.round(answer.ms)} ms: ${answer.error ?? answer.text.slice(0, 400)}`,
    ...(logged ? [`  service log: ${logged.slice(0, 1500)}`] : []),
  ].join('\n');
}
