import type { AddressInfo } from 'node:net';
import type { Express, Router } from 'express';
import { Registry } from 'prom-client';
import { createLogger } from '../../log.js';
import { SeriesFamilies } from '../../metrics/series-gauge-family.js';
import { createApp, type AppDeps } from '../app.js';
import type { ApiToken } from '../auth.js';

/** Serves `app` on a free loopback port; returns its base URL and a close function. */
export async function listen(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * Serves `apiRouters` behind the service's real app (token check, body limits, error handling) for
 * `tokens`, on a free loopback port: a 4 KB body limit, a 10 s request timeout and a quiet log unless
 * `overrides` say otherwise.
 */
export function listenApi(apiRouters: readonly Router[], tokens: readonly ApiToken[], overrides: Partial<AppDeps> = {}): ReturnType<typeof listen> {
  return listen(createApp({
    registry: new Registry(),
    families: new SeriesFamilies(),
    log: createLogger('error', () => {}),
    tokens,
    metricsToken: undefined,
    isReady: () => true,
    bodyLimitBytes: 4096,
    requestTimeoutMs: 10_000,
    apiRouters,
    ...overrides,
  }));
}
