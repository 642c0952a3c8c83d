// Where the alert intake log loads on DuckDB: one transaction per segment reads the file with
// read_json into alert_events and records the segment's id in alert_intake, so a segment is
// loaded exactly once, however a crash falls. The loads run on a writer of their own: every read
// of the alert history waits for the load of what was acknowledged before it, and behind the
// warehouse's one writer it waited for the jobs' writes and rollups too (p99 1.6 s in the soak,
// bench/results/soak.md). No other writer changes alert_events or alert_intake, so the two never conflict.
import { ALERT_EVENT_COLUMNS, type IntakeTarget } from './alert-intake.js';
import type { DuckDbHandle } from './duckdb-handle.js';

const NAMES = Object.keys(ALERT_EVENT_COLUMNS).join(', ');
// A line holds one row: label values are bounded by the webhook's validation, but DuckDB's default
// of 16 MB per JSON object is not a limit to meet by luck.
const LOAD_SQL = `INSERT INTO alert_events (${NAMES}) SELECT ${NAMES} FROM read_json($1, format = 'newline_delimited',
  maximum_object_size = 268435456, columns = {${Object.entries(ALERT_EVENT_COLUMNS).map(([name, type]) => `${name}: '${type}'`).join(', ')}})`;

/** The id of the last intake segment in alert_events (read with them in one snapshot, duckdb-alert-store.ts). */
export const LOADED_THROUGH_SQL = 'SELECT loaded_through FROM alert_intake';

/** The intake log's directory beside a warehouse file: `<file>.alert-intake` (undefined in memory: a temporary one). */
export function intakeDirOf(handle: DuckDbHandle): string | undefined {
  if (handle.path === ':memory:' || handle.path === '') return undefined;
  const dir = `${handle.path}.alert-intake`;
  if (/[*?[]/.test(dir)) {
    throw new Error(`the alert intake log ${dir} has a glob character (* ? [) in its path, which DuckDB's file reader would expand to other files: move the warehouse file`);
  }
  return dir;
}

/** The intake target of a migrated warehouse, with a writer of its own (closed with the handle). */
export async function duckDbIntakeTarget(handle: DuckDbHandle): Promise<IntakeTarget> {
  const writer = await handle.openWriter();
  return {
    async loadedThrough() {
      const [row] = await handle.read(LOADED_THROUGH_SQL);
      return Number(row?.loaded_through ?? 0);
    },
    loadSegment(id, file) {
      return writer.write(async (tx) => {
        if (file !== undefined) await tx.run(LOAD_SQL, [file]);
        await tx.run('UPDATE alert_intake SET loaded_through = $1', [id]);
      });
    },
  };
}
