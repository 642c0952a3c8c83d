import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { createScheduler } from '../jobs/scheduler.js';
import { createLogger } from '../log.js';
import { createApp, createStartingApp } from './app.js';
import { SeriesFamilies } from '../metrics/series-gauge-family.js';
import { closeServer, listen, startService, type ServiceState } from './service-lifecycle.js';
import { FakeWarehouse } from './testing/fake-warehouse.js';

const quiet = createLogger('error', () => {});

function appFor(registry: Registry, isReady: () => boolean) {
  return createApp({
    registry,
    families: new SeriesFamilies(),
    log: quiet,
    tokens: [],
    metricsToken: undefined,
    isReady,
    bodyLimitBytes: 1024,
    requestTimeoutMs: 5000,
    apiRouters: [],
  });
}

test('while the warehouse opens: healthy, not ready, and a 503 for the API', async () => {
  const listener = await listen('127.0.0.1', 0, createStartingApp());
  try {
    const url = `http://127.0.0.1:${listener.address.port}`;
    assert.equal((await fetch(`${url}/-/healthy`)).status, 200);
    assert.equal((await fetch(`${url}/-/ready`)).status, 503);
    const api = await fetch(`${url}/api/v1/datasets`);
    assert.equal(api.status, 503);
    assert.deepEqual(await api.json(), { error: 'Sextant is starting: the warehouse is opening; retry shortly' });
  } finally {
    await closeServer(listener.server);
  }
});

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
    log: quiet,
  });
  const listener = await listen('127.0.0.1', 0, createStartingApp());
  const url = `http://127.0.0.1:${listener.address.port}`;
  assert.equal((await fetch(`${url}/-/ready`)).status, 503);
  const service = startService({
    listener,
    app: appFor(registry, () => !state.shuttingDown && warehouse.isReady()),
    scheduler,
    closeWarehouse: async () => {
      events.push('warehouse closed');
      await warehouse.close();
    },
    state,
    log: quiet,
    shutdownTimeoutMs: 30_000,
  });
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
  const first = await listen('127.0.0.1', 0, createStartingApp());
  try {
    await assert.rejects(listen('127.0.0.1', first.address.port, createStartingApp()), {
      message: `cannot listen on 127.0.0.1:${first.address.port}: the port is in use (server.port)`,
    });
  } finally {
    await closeServer(first.server);
  }
});

test("a kept-alive connection idle longer than Node's default 5 s is still served (no reset for Prometheus or Grafana)", async () => {
  const listener = await listen('127.0.0.1', 0, createStartingApp());
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: listener.address.port, path: '/-/healthy', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket }));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    const first = await get();
    await sleep(6_000);
    const second = await get();
    assert.deepEqual([first.status, second.status], [200, 200]);
    assert.equal(second.socket, first.socket, 'the same connection, kept open by the server');
  } finally {
    agent.destroy();
    await closeServer(listener.server);
  }
});
