import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { createScheduler } from '../jobs/scheduler.js';
import { createLogger } from '../log.js';
import { createApp } from './app.js';
import { SeriesFamilies } from './series-gauge-family.js';
import { startService, type ServiceState } from './service-lifecycle.js';
import { FakeWarehouse } from './testing/fake-warehouse.js';

test('shutdown: ready turns 503, the job run in flight finishes its write, then HTTP closes, then the warehouse', async () => {
  const events: string[] = [];
  const warehouse = new FakeWarehouse();
  const state: ServiceState = { shuttingDown: false };
  let release = () => {};
  const released = new Promise<void>((r) => {
    release = r;
  });
  let started = () => {};
  const running = new Promise<void>((r) => {
    started = r;
  });
  const registry = new Registry();
  const scheduler = createScheduler({
    jobs: [
      {
        name: 'ingest',
        intervalMs: 60_000,
        async run() {
          started();
          await released;
          events.push('write committed');
        },
      },
    ],
    registry,
    log: createLogger('error', () => {}),
  });
  const app = createApp({
    registry,
    families: new SeriesFamilies(),
    log: createLogger('error', () => {}),
    tokens: [],
    isReady: () => !state.shuttingDown && warehouse.isReady(),
    bodyLimitBytes: 1024,
    requestTimeoutMs: 5000,
    apiRouters: [],
  });
  const service = await startService({
    app,
    host: '127.0.0.1',
    port: 0,
    scheduler,
    closeWarehouse: async () => {
      events.push('warehouse closed');
      await warehouse.close();
    },
    state,
    log: createLogger('error', () => {}),
    shutdownTimeoutMs: 30_000,
  });
  const url = `http://127.0.0.1:${service.address.port}`;
  assert.equal((await fetch(`${url}/-/ready`)).status, 200);
  await running;

  const done = service.shutdown('SIGTERM');
  assert.equal(service.shutdown('SIGINT'), done, 'a second signal joins the same shutdown');
  const during = await fetch(`${url}/-/ready`, { headers: { connection: 'close' } });
  assert.equal(during.status, 503);
  assert.deepEqual(events, [], 'nothing closed while the run is in flight');
  release();
  assert.equal(await done, true);
  assert.deepEqual(events, ['write committed', 'warehouse closed']);
  await assert.rejects(fetch(`${url}/-/healthy`), 'the server no longer listens');
});

test('a port in use is a clear error', async () => {
  const parts = {
    app: createApp({
      registry: new Registry(),
      families: new SeriesFamilies(),
      log: createLogger('error', () => {}),
      tokens: [],
      isReady: () => true,
      bodyLimitBytes: 1024,
      requestTimeoutMs: 5000,
      apiRouters: [],
    }),
    host: '127.0.0.1',
    scheduler: createScheduler({ jobs: [], registry: new Registry(), log: createLogger('error', () => {}) }),
    closeWarehouse: async () => {},
    state: { shuttingDown: false },
    log: createLogger('error', () => {}),
    shutdownTimeoutMs: 1000,
  };
  const first = await startService({ ...parts, port: 0 });
  try {
    await assert.rejects(startService({ ...parts, port: first.address.port }), {
      message: `cannot listen on 127.0.0.1:${first.address.port}: the port is in use (server.port)`,
    });
  } finally {
    await first.shutdown('test over');
  }
});
