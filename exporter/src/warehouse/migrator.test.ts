import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbHandle } from './duckdb-handle.js';
import { migrations } from './migrations/index.js';
import { runMigrations } from './migrator.js';

test('migrations run once: reopening the file applies nothing twice, a new migration only itself', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-migrate-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'w.duckdb');

  let handle = await DuckDbHandle.open(path);
  const first = await runMigrations(handle, migrations);
  assert.equal(first, Math.max(...migrations.map((m) => m.version)));
  await handle.close();

  handle = await DuckDbHandle.open(path);
  assert.equal(await runMigrations(handle, migrations), first);
  const version = Math.max(...migrations.map((m) => m.version)) + 1;
  const extra = { version, name: 'test table', up: ['CREATE TABLE probe (tenant VARCHAR NOT NULL, x INTEGER)'] };
  assert.equal(await runMigrations(handle, [...migrations, extra]), version);
  assert.equal(await runMigrations(handle, [...migrations, extra]), version);
  const rows = await handle.read('SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version');
  assert.deepEqual(
    rows.map((r) => [r.version, r.n]),
    [...migrations.map((m) => [m.version, 1]), [version, 1]],
  );
  await handle.close();
});

test('a failing migration names itself and leaves the schema as it was', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-migrate-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const handle = await DuckDbHandle.open(join(dir, 'w.duckdb'));
  t.after(() => handle.close());
  const broken = { version: 7, name: 'broken', up: ['CREATE TABLE half (tenant VARCHAR)', 'CREATE TABLE oops ('] };
  await assert.rejects(runMigrations(handle, [broken]), /migration 7 \(broken\) failed/);
  const tables = await handle.read(`SELECT table_name FROM information_schema.tables WHERE table_name = 'half'`);
  assert.deepEqual(tables, []);
  assert.equal(await runMigrations(handle, []), 0);
});

test('duplicate migration versions are refused', async () => {
  const handle = await DuckDbHandle.open(':memory:');
  const m = { version: 3, name: 'a', up: [] };
  await assert.rejects(runMigrations(handle, [m, { ...m, name: 'b' }]), /two migrations share version 3/);
  await handle.close();
});
