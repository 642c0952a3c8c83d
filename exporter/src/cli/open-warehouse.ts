// The warehouse `sextant serve` and the commands that open it themselves run on, as warehouse.kind
// says: the embedded DuckDB file, or a ClickHouse server (or cluster) reached over HTTP with
// @clickhouse/client.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createClient } from '@clickhouse/client';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import { ClickHouseConnection } from '../warehouse/clickhouse/clickhouse-connection.js';
import { openClickHouseWarehouse, type ClickHouseWarehouse, type ClickHouseWarehouseOptions } from '../warehouse/clickhouse/clickhouse-warehouse.js';
import { openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { defaultDuckDbThreads } from '../warehouse/warehouse-settings.js';
import type { ServiceWarehouse } from '../warehouse/stores.js';

export async function openServiceWarehouse(config: Config, log: Logger, now: () => number): Promise<ServiceWarehouse> {
  const limits = { maxSeries: config.warehouse.query.maxSeries, maxRows: config.warehouse.query.maxRows };
  const alerts = { log: log.child({ area: 'alert-intake' }) };
  const ch = config.warehouse.clickhouse;
  if (config.warehouse.kind === 'clickhouse' && ch?.url) {
    mkdirSync(ch.intakeDir, { recursive: true });
    // Replicas share the alert history: the webhook may land on any of them.
    const warehouse = await openConfiguredClickHouse(config, { limits, now, log: log.child({ area: 'warehouse' }), alerts: { ...alerts, dir: ch.intakeDir, shared: ch.replica !== undefined } });
    log.info('warehouse open', { kind: 'clickhouse', url: ch.url, database: ch.database, ...(ch.cluster ? { cluster: ch.cluster } : {}) });
    return warehouse;
  }
  const { path } = config.warehouse;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const threads = config.warehouse.threads ?? defaultDuckDbThreads();
  const warehouse = await openDuckDbWarehouse({
    path,
    settings: { threads: String(threads) },
    now,
    retentionMs: config.warehouse.retention,
    ...(config.warehouse.cold.enabled ? { coldAfterMs: config.warehouse.cold.after } : {}),
    limits,
    alerts,
  });
  log.info('warehouse open', { kind: 'duckdb', path, threads });
  const { removed, missing } = warehouse.coldReconciled;
  if (removed.length) log.warn('cold tier: deleted the files of moves that never committed (their rows are in the tables)', { files: removed });
  if (missing.length) log.error('cold tier: files the warehouse lists are missing; queries over their days fail until they are restored', { files: missing });
  return warehouse;
}

/**
 * The ClickHouse warehouse of the config (warehouse.kind: clickhouse), its client closed with it. A
 * failure to open names the url.
 */
export async function openConfiguredClickHouse(config: Config, options: Omit<ClickHouseWarehouseOptions, 'connection' | 'retentionMs' | 'closesClient'>): Promise<ClickHouseWarehouse> {
  const ch = config.warehouse.clickhouse;
  if (config.warehouse.kind !== 'clickhouse' || !ch?.url) throw new Error('openConfiguredClickHouse: the config has no ClickHouse warehouse');
  const client = createClient({
    url: ch.url,
    username: ch.user,
    ...(ch.password ? { password: ch.password.reveal() } : {}),
    request_timeout: ch.requestTimeout,
  });
  try {
    return await openClickHouseWarehouse({ ...options, connection: new ClickHouseConnection(client, ch.database, ch.cluster), retentionMs: config.warehouse.retention, closesClient: true });
  } catch (error) {
    await client.close();
    throw new Error(`warehouse.clickhouse.url ${ch.url}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The config's warehouse for a command that opens it itself (no service answers): the DuckDB file
 * (read-only when the command only reads; a writing one creates its folder), or ClickHouse, where a reading
 * command creates nothing.
 * Retention does not run here; ClickHouse's alert intake is a temporary folder (commands take no alerts).
 */
export async function openCommandWarehouse(config: Config, options: { readOnly: boolean }): Promise<ServiceWarehouse> {
  if (config.warehouse.kind === 'clickhouse') return openConfiguredClickHouse(config, { create: !options.readOnly });
  const { path } = config.warehouse;
  // A command that writes creates the file's folder as the service does (a fresh clone has no data/ yet).
  if (!options.readOnly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // A command has the machine to itself: every core unless warehouse.threads says otherwise.
  const settings = config.warehouse.threads === undefined ? {} : { settings: { threads: String(config.warehouse.threads) } };
  return openDuckDbWarehouse({ path, retentionMs: config.warehouse.retention, readOnly: options.readOnly, ...settings });
}
