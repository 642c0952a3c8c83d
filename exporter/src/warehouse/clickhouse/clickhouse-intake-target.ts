// Where the alert intake log loads on ClickHouse: a segment's rows are inserted into alert_events,
// then the segment's id into alert_intake. A crash or an outage between the two loads the segment
// again at the next try, and alert_events (a ReplacingMergeTree on the rows' key) keeps one copy.
// Each process's log has its own name (host and directory), so replicas sharing a database do not
// read each other's progress.
import { readFile } from 'node:fs/promises';
import { parseLine, type AlertEventRow, type IntakeTarget } from '../alert-intake.js';
import type { ClickHouseConnection, ClickHouseRow } from './clickhouse-connection.js';
import { sqlString } from './sql-literal.js';

const INSERT_ROWS = 10_000;

function rowOf(r: AlertEventRow): ClickHouseRow {
  return { ...r, labels: JSON.stringify(r.labels), annotations: JSON.stringify(r.annotations), suppressed_by: JSON.stringify(r.suppressed_by) };
}

export function clickHouseIntakeTarget(db: ClickHouseConnection, intake: string): IntakeTarget {
  return {
    async loadedThrough() {
      const [row] = await db.read(`SELECT max(loaded_through) AS id, count() AS n FROM ${db.table('alert_intake')} WHERE intake = ${sqlString(intake)}`);
      return Number(row?.n ?? 0) > 0 ? Number(row!.id) : 0;
    },
    async loadSegment(id, file) {
      if (file !== undefined) {
        const rows: ClickHouseRow[] = [];
        (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
          if (line.trim() === '') return;
          const row = parseLine(line);
          // The intake sets such lines aside and loads the rest.
          if (typeof row === 'string') throw new Error(`${file}:${i + 1}: ${row}`);
          rows.push(rowOf(row));
        });
        for (let i = 0; i < rows.length; i += INSERT_ROWS) await db.insert('alert_events', rows.slice(i, i + INSERT_ROWS));
      }
      await db.insert('alert_intake', [{ intake, loaded_through: id }]);
    },
  };
}
