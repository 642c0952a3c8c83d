// The alert history's state changes on ClickHouse, folded when read. Several Sextant replicas may
// record the same alert instance: Alertmanager's webhook (its retries, and each of an HA pair's
// copies) lands on any replica behind a load balancer, and each replica decides what is a change
// from what it knows. So alert_events holds every replica's recorded changes, and every read folds
// them into one history per instance, as one process that had received every notification would
// have recorded it: the rows in order of observation, a row kept only if its state differs from the
// row before it, nothing after the first resolved, seq numbered 0, 1, 2... in that order. Every
// replica reads the same rows, so every replica answers the same. With one writer the fold changes
// nothing (its rows are already changes, in order).
import type { ClickHouseConnection } from './clickhouse-connection.js';

/** alert_events' columns after the instance's key, as the fold carries them (tuple elements 1..13). */
const CARRIED = ['state', 'ends_at_ms', 'observed_at_ms', 'seq', 'source', 'alertname', 'service', 'severity', 'labels', 'annotations', 'generator_url', 'receiver', 'suppressed_by'];

/**
 * The folded rows of alert_events matching `where` (a condition on the instance's key or alertname,
 * so that it keeps or drops whole instances), with alert_events' columns. Rows are ordered by when
 * they were observed, then by the writer's seq (one process's changes within a millisecond), then
 * by state, so the order is the same on every replica.
 */
export function alertChangesSql(db: ClickHouseConnection, where: string): string {
  const carried = CARRIED.flatMap((name, i) => (name === 'seq' ? [] : [`tupleElement(c, ${i + 1}) AS ${name}`])).join(', ');
  // A lambda here takes each row's previous state and count of resolved rows before it as arrays of
  // their own: ClickHouse 18.16 cannot refer to another column of the row from inside a lambda.
  return `SELECT tenant, fingerprint, starts_at_ms, toInt32(n - 1) AS seq, ${carried}
    FROM (
      SELECT tenant, fingerprint, starts_at_ms,
             arrayFilter((r, previous, resolved_before) -> tupleElement(r, 1) != previous AND resolved_before = 0, recorded,
                         arrayPushFront(arrayPopBack(states), ''),
                         arrayPushFront(arrayPopBack(arrayCumSum(arrayMap(s -> s = 'resolved', states))), 0)) AS changes
      FROM (
        SELECT tenant, fingerprint, starts_at_ms, recorded, arrayMap(r -> tupleElement(r, 1), recorded) AS states
        FROM (
          SELECT tenant, fingerprint, starts_at_ms,
                 arraySort(r -> (tupleElement(r, 3), tupleElement(r, 4), tupleElement(r, 1)), groupArray((${CARRIED.join(', ')}))) AS recorded
          FROM ${db.table('alert_events')} FINAL WHERE ${where}
          GROUP BY tenant, fingerprint, starts_at_ms)))
    ARRAY JOIN changes AS c, arrayEnumerate(changes) AS n`;
}
