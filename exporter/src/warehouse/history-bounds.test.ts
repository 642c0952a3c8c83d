import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { HistoryRow } from './alert-store.js';
import { DuckDbAlertEvents } from './duckdb-alert-store.js';
import { DuckDbHandle } from './duckdb-handle.js';
import { HistoryBounds } from './history-bounds.js';
import { migrations } from './migrations/index.js';
import { runMigrations } from './migrator.js';

const rowsObservedAt = (...times: number[]) => times.map((observedAtMs) => ({ observedAtMs }) as HistoryRow);

test("a bound is learned per tenant and limit from a full answer of a read of the newest rows, and forgotten after a short one", () => {
  const bounds = new HistoryBounds();
  bounds.learn('a', { limit: 3 }, rowsObservedAt(9, 8, 7));
  bounds.learn('a', { limit: 2, alertname: 'X' }, rowsObservedAt(9, 5));
  assert.equal(bounds.of('a', { limit: 3 }), 7);
  assert.equal(bounds.of('a', { limit: 2 }), undefined, 'a filtered answer teaches nothing');
  assert.equal(bounds.of('a', { limit: 3, fromMs: 0 }), undefined, 'a filtered read uses none');
  assert.equal(bounds.of('b', { limit: 3 }), undefined);
  bounds.learn('a', { limit: 3 }, rowsObservedAt(9, 8));
  assert.equal(bounds.of('a', { limit: 3 }), undefined);
  // A few limits per tenant: the oldest learned goes first.
  for (let limit = 1; limit <= 17; limit++) bounds.learn('a', { limit }, rowsObservedAt(...Array.from({ length: limit }, (_, i) => 100 - i)));
  assert.equal(bounds.of('a', { limit: 1 }), undefined);
  assert.equal(bounds.of('a', { limit: 2 }), 99);
  assert.equal(bounds.of('a', { limit: 17 }), 84);
});

test('the newest-first history answers exactly what the whole table sorted says, as rows arrive, vanish and tie at the bound', async (t) => {
  const handle = await DuckDbHandle.open(join(mkdtempSync(join(tmpdir(), 'sextant-history-bounds-')), 'w.duckdb'));
  t.after(() => handle.close());
  await runMigrations(handle, migrations);
  const table = new DuckDbAlertEvents(handle);
  // Every row inserted, as the answer's independent reference: observed times tie in threes.
  const all: { tenant: string; fingerprint: string; startsAt: number; seq: number; observedAt: number }[] = [];
  let next = 0;
  const insert = async (n: number, observedAt: (k: number) => number) => {
    const rows = Array.from({ length: n }, () => {
      const k = next++;
      return { tenant: k % 5 === 0 ? 'other' : 't', fingerprint: `fp-${k % 97}`, startsAt: 1000 * (k % 13), seq: k, observedAt: observedAt(k) };
    });
    all.push(...rows);
    await handle.write((tx) =>
      tx.run(
        `INSERT INTO alert_events SELECT tenant, fingerprint, starts_at, seq, 'firing', NULL, observed_at, 'webhook', 'X', 's', '', '{}', '{}', '', 'r', '[]'
         FROM (VALUES ${rows.map((r) => `('${r.tenant}', '${r.fingerprint}', ${r.startsAt}, ${r.seq}, ${r.observedAt})`).join(', ')}) v(tenant, fingerprint, starts_at, seq, observed_at)`,
      ),
    );
  };
  const expected = (limit: number) =>
    all
      .filter((r) => r.tenant === 't')
      .sort((a, b) => b.observedAt - a.observedAt || b.startsAt - a.startsAt || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0) || b.seq - a.seq)
      .slice(0, limit)
      .map((r) => `${r.fingerprint}/${r.startsAt}/${r.seq}`);
  const answer = async (limit: number) => (await table.historyWithIntake('t', { limit })).rows.map((r) => `${r.fingerprint}/${r.startsAtMs}/${r.seq}`);
  const check = async (limit: number, when: string) => assert.deepEqual(await answer(limit), expected(limit), when);

  await insert(3000, (k) => 1_000_000 + Math.floor(k / 3));
  await check(100, 'first read');
  await check(100, 'bounded by the first');
  await insert(40, (k) => 1_000_000 + Math.floor(k / 3));
  await check(100, 'newer rows arrived');
  await check(7, 'a smaller limit');
  await check(100, 'the larger again');
  // A row observed before the bound but loaded after (a late delivery): not among the newest.
  await insert(1, () => 999_000);
  await check(100, 'a late row');
  // The newest rows vanish: fewer than the limit are at or after the bound, read again without it.
  const newest = all.filter((r) => r.tenant === 't').sort((a, b) => b.observedAt - a.observedAt).slice(0, 60);
  await handle.write((tx) => tx.run(`DELETE FROM alert_events WHERE seq IN (${newest.map((r) => r.seq).join(', ')})`));
  all.splice(0, all.length, ...all.filter((r) => !newest.includes(r)));
  await check(100, 'the newest rows deleted');
  await check(5000, 'more than the table holds');
  await check(100, 'after a short answer');
});
