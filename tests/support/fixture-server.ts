// A loopback HTTP server that answers from recorded API responses, so the sources' real HTTP client
// code runs in tests of backends this machine cannot run (Loki, Jaeger).
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

export interface FixtureRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FixtureAnswer {
  status?: number;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

export interface FixtureServer {
  url: string;
  requests: FixtureRequest[];
  close(): Promise<void>;
}

export async function startFixtureServer(answer: (request: FixtureRequest) => FixtureAnswer): Promise<FixtureServer> {
  const requests: FixtureRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fixture');
      const request = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      let reply: FixtureAnswer;
      try {
        reply = answer(request);
      } catch (error) {
        reply = { status: 599, body: `fixture handler failed: ${String(error)}` };
      }
      if (reply.hang) return;
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? null);
      const type = typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
      res.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads a JSON fixture file next to a test: `fixture(import.meta.url, 'fixtures/x.json')`. */
export function readFixture(base: string, relative: string): unknown {
  return JSON.parse(readFileSync(new URL(relative, base), 'utf8'));
}
