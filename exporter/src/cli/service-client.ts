// How `sextant backfill`, `sextant export` and `sextant import` reach a running service. The service owns the
// warehouse file (DuckDB allows one writing process), so when one answers these commands go through
// its API; when none answers they open the file themselves.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** The service to call: its base URL and the bearer token to send. */
export interface ServiceTarget {
  url: string;
  token: string;
}

/** A problem with the options (exit code 2) or with the service (exit code 1). */
export class ServiceCallError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** The URL where this machine reaches a service listening on `listen:port` (0.0.0.0 and :: mean every interface). */
export function serviceUrlOf(server: { listen: string; port: number }): string {
  const host = server.listen === '0.0.0.0' || server.listen === '' ? '127.0.0.1' : server.listen === '::' ? '[::1]' : server.listen.includes(':') ? `[${server.listen}]` : server.listen;
  return `http://${host}:${server.port}`;
}

/** True when a Sextant service answers /-/healthy at `url` within `timeoutMs`. */
export async function sextantAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(new URL('/-/healthy', url), { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok && (await res.text()).startsWith('Sextant is healthy');
  } catch {
    return false;
  }
}

/**
 * Where the command goes: the service when one answers, else undefined (open the file). `--server`
 * names a service that must answer; without it the config's server.listen/port is tried. The token
 * is `--token`, else $SEXTANT_TOKEN.
 */
export async function findService(options: { server?: string | undefined; token?: string | undefined; fallback?: string | undefined }, env: NodeJS.ProcessEnv): Promise<ServiceTarget | undefined> {
  let url: string;
  if (options.server !== undefined) {
    try {
      url = new URL(options.server).origin;
    } catch {
      throw new ServiceCallError(`--server: "${options.server}" is not a URL such as http://127.0.0.1:9890`, 2);
    }
    if (!(await sextantAnswers(url))) throw new ServiceCallError(`no Sextant service answers at ${url} (--server)`, 1);
  } else {
    if (options.fallback === undefined || !(await sextantAnswers(options.fallback))) return undefined;
    url = options.fallback;
  }
  const token = options.token ?? (env.SEXTANT_TOKEN || undefined);
  if (token === undefined) {
    throw new ServiceCallError(`a Sextant service answers at ${url} and owns the warehouse file: give one of its API tokens with --token or $SEXTANT_TOKEN`, 2);
  }
  return { url, token };
}

/** Calls the API; answers the parsed JSON of a 2xx, or throws the service's error with the exit code it means. */
export async function callService<T>(target: ServiceTarget, method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(target, method, path, body);
  return (await res.json()) as T;
}

/** A request body sent as it is read (a file upload), not as JSON. It can be sent once. */
export class Upload {
  constructor(
    readonly open: () => Readable,
    readonly contentType: string,
    readonly length: number,
  ) {}
}

function bodyOf(body: unknown): { headers: Record<string, string>; init: RequestInit } {
  if (body === undefined) return { headers: {}, init: {} };
  if (body instanceof Upload) {
    const stream = Readable.toWeb(body.open()) as ReadableStream;
    return { headers: { 'content-type': body.contentType, 'content-length': String(body.length) }, init: { body: stream, duplex: 'half' } as RequestInit };
  }
  return { headers: { 'content-type': 'application/json' }, init: { body: JSON.stringify(body) } };
}

/** The raw response of a 2xx (for streams), or the service's error thrown. */
export async function request(target: ServiceTarget, method: string, path: string, body?: unknown): Promise<Response> {
  let res: Response;
  for (let attempt = 1; ; attempt++) {
    try {
      const sent = bodyOf(body);
      res = await fetch(new URL(path, target.url), { method, headers: { authorization: `Bearer ${target.token}`, ...sent.headers }, ...sent.init });
    } catch (error) {
      throw new ServiceCallError(`cannot reach the service at ${target.url}: ${(error as Error).message}`, 1);
    }
    // 503: the service is still opening the warehouse; it says when to retry.
    if (res.status !== 503 || attempt >= 20 || !res.headers.has('retry-after')) break;
    await sleep(1000);
  }
  if (res.ok) return res;
  const text = await res.text();
  let message = text;
  try {
    message = (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    // not JSON: show it as it is
  }
  const hint = res.status === 401 ? ' (check --token / $SEXTANT_TOKEN)' : '';
  throw new ServiceCallError(`the service at ${target.url} answered ${res.status}: ${message}${hint}`, res.status === 400 || res.status === 401 || res.status === 403 ? 2 : 1);
}

/** Streams a response's body to a temporary file beside `out`, renamed over `out` once complete. */
export async function saveBody(res: Response, out: string, target: ServiceTarget): Promise<void> {
  if (!res.body) throw new ServiceCallError(`the service at ${target.url} sent no file`, 1);
  const partial = `${out}.partial`;
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(partial));
    await rename(partial, out);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
