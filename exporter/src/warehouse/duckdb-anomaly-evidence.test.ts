// A warehouse file written before anomaly events kept their evidence (schema of migration 100)
// opens, migrates, and reads its events back without evidence; events scored after the migration
// keep theirs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { describeExplanation } from '@sextant/core/anomaly';
import type { AnomalyEvent } from './anomaly-store.js';
import { DuckDbHandle } from './duckdb-handle.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from './duckdb-warehouse.js';
import { migrations } from './migrations/index.js';
import { runMigrations } from './migrator.js';
import { seriesId } from './series-id.js';

const T0 = Date.UTC(2026, 10, 2);
const MIN = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'sextant-evidence-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('an old warehouse without the evidence column migrates: its events read back without evidence, new ones with it', async () => {
  const path = join(dir, 'old.duckdb');
  const labels = { job: 'api' };
  const id = seriesId('t', 'latency', labels);
  const handle = await DuckDbHandle.open(path);
  await runMigrations(handle, migrations.filter((m) => m.version <= 100));
  // The row as the service of migration 100 wrote it: 16 columns, no evidence.
  await handle.write((tx) =>
    tx.run(`INSERT INTO anomaly_events VALUES ('t', 'latency', $1, $2, $3, 0.9, $2, $2, 0.9, 'high', 'drift', 0.41, 0.4, 0.3, 0.5, 0.2)`, [id, T0, T0 + 10 * MIN]),
  );
  await handle.close();

  const warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS });
  try {
    const [applied] = await warehouse.handle.read('SELECT count(*) AS n FROM schema_migrations WHERE version = 101');
    assert.equal(applied!.n, 1);
    await warehouse.replaceWindow('t', 'latency', { start: T0, end: T0 + 2 * 60 * MIN }, [{ labels, samples: [{ t: T0, v: 0.41 }] }]);
    const [old] = await warehouse.anomalies.events('t', { limit: 10 });
    assert.ok(old && !('evidence' in old), JSON.stringify(old));
    assert.equal(
      describeExplanation(old),
      'drift: a slow departure, the values running to one side of their expected value for many points in a row (no single point shows it); 0.41 is 0.2 σ above the expected 0.4 (band 0.3 – 0.5)',
    );

    const scored: AnomalyEvent = {
      ...old, start: T0 + 60 * MIN, end: T0 + 70 * MIN, peakAt: T0 + 60 * MIN, explainedAt: T0 + 60 * MIN,
      evidence: { driftMean: 0.0123, driftSigmas: 4.56, driftPoints: 50, driftMs: 50 * MIN },
    };
    await warehouse.anomalies.saveRun('t', 'latency', [], [scored]);
    const [latest, first] = await warehouse.anomalies.events('t', { limit: 10 });
    assert.deepEqual(latest!.evidence, scored.evidence);
    assert.match(describeExplanation(latest!), /^drift: over about the last 50 min \(50 points\) the values ran on average \+0\.0123 above their expected value, 4\.6 σ/);
    assert.deepEqual(first, old);
  } finally {
    await warehouse.close();
  }
});
