import type { DuckDbHandle } from './duckdb-handle.js';
import type { Migration } from './migrations/index.js';

/**
 * Applies, in version order, each migration not yet recorded in schema_migrations, each in its own
 * transaction with its bookkeeping row; reopening a migrated database changes nothing.
 * Returns the highest version applied.
 */
export async function runMigrations(handle: DuckDbHandle, migrations: readonly Migration[]): Promise<number> {
  checkVersions(migrations);
  await handle.write(async (tx) => {
    // Schema metadata, not tenant data: the one table without a tenant column.
    await tx.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name VARCHAR NOT NULL,
      applied_at_ms BIGINT NOT NULL)`);
  });
  const applied = new Set(
    (await handle.read('SELECT version FROM schema_migrations')).map((row) => Number(row.version)),
  );
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => !applied.has(m.version));
  for (const migration of pending) {
    await handle.write(async (tx) => {
      for (const statement of migration.up) {
        try {
          await tx.run(statement);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`migration ${migration.version} (${migration.name}) failed: ${reason}`);
        }
      }
      await tx.run('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
    });
  }
  const [row] = await handle.read('SELECT coalesce(max(version), 0) AS version FROM schema_migrations');
  return Number(row?.version ?? 0);
}

function checkVersions(migrations: readonly Migration[]): void {
  const seen = new Set<number>();
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version < 1) throw new Error(`migration "${m.name}": bad version ${m.version}`);
    if (seen.has(m.version)) throw new Error(`two migrations share version ${m.version}`);
    seen.add(m.version);
  }
}
