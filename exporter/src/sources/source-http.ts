// GET with timeout, bounded body, and retries with exponential backoff, shared by the HTTP sources
// (Loki, Jaeger). A retry helps when the backend is down, overloaded or slow (network error, timeout,
// 408, 429, 5xx); any other answer is returned to the caller, which knows what its API means by it.
import { SourceError } from './metrics-source.js';

export interface HttpAuth {
  /** Sent as `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** With `password`, sent as HTTP basic auth. */
  username?: string;
  password?: string;
}

export interface HttpSourceOptions {
  /** Name used in errors, e.g. `loki`. */
  source: string;
  baseUrl: string;
  headers?: Record<string, string>;
  auth?: HttpAuth;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts after the first one, for retryable failures only. */
  retries: number;
  /** Delay before the first retry; doubled for each further one. */
  backoffMs: number;
  /** Larger bodies are refused rather than buffered. */
  maxResponseBytes: number;
}

export interface HttpAnswer {
  status: number;
  body: string;
  /** Where the answer came from, without credentials: for error messages. */
  where: string;
}

const retryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;
const maxRetryAfterMs = 30_000;

export function authHeaders(auth: HttpAuth | undefined): Record<string, string> {
  if (!auth) return {};
  if (auth.bearerToken) return { authorization: `Bearer ${auth.bearerToken}` };
  if (auth.username !== undefined) {
    const pair = `${auth.username}:${auth.password ?? ''}`;
    return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
  }
  return {};
}

/**
 * GETs `path` with `params`. Resolves with the first non-retryable answer (2xx and 4xx alike); throws
 * a retryable SourceError once every attempt failed, a non-retryable one for an oversized body, and
 * the abort reason when `signal` aborts.
 */
export async function getWithRetry(
  options: HttpSourceOptions,
  path: string,
  params: URLSearchParams,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  const url = new URL(path.replace(/^\//, ''), options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  url.search = params.toString();
  const where = `GET ${url.origin}${url.pathname}`;
  const headers = { accept: 'application/json', ...options.headers, ...authHeaders(options.auth) };
  let lastFailure = '';
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    signal?.throwIfAborted();
    let retryAfterMs: number | undefined;
    try {
      const answer = await attemptGet(url, headers, options, where, signal);
      if (!retryableStatus(answer.status)) return answer;
      lastFailure = `HTTP ${answer.status}: ${excerpt(answer.body)}`;
      retryAfterMs = answer.retryAfterMs;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof SourceError) throw error;
      lastFailure = describeNetworkError(error, options.timeoutMs);
    }
    if (attempt < options.retries) {
      await sleep(Math.min(retryAfterMs ?? options.backoffMs * 2 ** attempt, maxRetryAfterMs), signal);
    }
  }
  const attempts = options.retries + 1;
  throw new SourceError(options.source, `${where} failed ${attempts} time(s), last: ${lastFailure}`, true);
}

async function attemptGet(
  url: URL,
  headers: Record<string, string>,
  options: HttpSourceOptions,
  where: string,
  signal: AbortSignal | undefined,
): Promise<HttpAnswer & { retryAfterMs?: number }> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const response = await fetch(url, { headers, signal: combined });
  const body = await readBounded(response, options, where);
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    status: response.status,
    body,
    where,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
}

async function readBounded(response: Response, options: HttpSourceOptions, where: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  const tooLarge = (): SourceError =>
    new SourceError(
      options.source,
      `${where} answered more than ${options.maxResponseBytes} bytes; narrow the query or raise maxResponseBytes`,
      false,
    );
  if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // A reader rather than for await: the DOM's ReadableStream type (the tests' type check includes the
  // DOM for page scripts) has no async iterator.
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > options.maxResponseBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}

/** The first characters of a body, on one line, for error messages. */
export function excerpt(body: string, max = 300): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || '(empty body)';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/**
 * Parses a JSON body, or throws a SourceError that says where and what it got. Retryable: a proxy
 * answering garbage mid-restart is transient, and a later ingest run may get a good answer.
 */
export function parseJsonBody(source: string, answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body);
  } catch {
    throw new SourceError(source, `${answer.where} answered HTTP ${answer.status} with a body that is not JSON: ${excerpt(answer.body)}`, true);
  }
}

/** Options without their undefined entries, so that spreading them over defaults keeps the defaults. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
