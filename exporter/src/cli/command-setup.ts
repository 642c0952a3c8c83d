// What a CLI command that writes reads and writes: the config file, the source and the warehouse,
// printed before it starts, whether it runs here or inside a service (whose own ones it asks with
// GET /api/v1/status), so that a user always sees which data went where.
import { resolve } from 'node:path';
import type { Config } from '../config/index.js';
import { sourceSummary, warehouseSummary, type ServiceStatus } from '../http/routes/status.js';
import { callService, type ServiceTarget } from './service-client.js';

export type CommandSetup = Pick<ServiceStatus, 'configFile' | 'source' | 'warehouse'>;

/** The setup of a config loaded by this process from `file`. */
export function localSetup(file: string, config: Config): CommandSetup {
  return { configFile: resolve(file), source: sourceSummary(config.source), warehouse: warehouseSummary(config.warehouse) };
}

/**
 * Prints on stderr the running service's own config file, source and warehouse (GET /api/v1/status),
 * and where they differ from the local config's, if one was loaded. Answers the status (it names the token's tenant).
 */
export async function announceService(command: string, target: ServiceTarget, local: CommandSetup | undefined): Promise<ServiceStatus> {
  const service = await callService<ServiceStatus>(target, 'GET', '/api/v1/status');
  process.stderr.write(`sextant ${command}: through the service at ${target.url}: ${describeSetup(service)}\n`);
  const differences = local ? setupDifferences(local, service) : [];
  if (local && differences.length) process.stderr.write(`sextant ${command}: note: that service is not the one ${local.configFile} describes: it uses ${differences.join('; ')}\n`);
  return service;
}

/** "config /etc/sextant.yaml, source prometheus http://prom:9090, warehouse /var/lib/sextant/w.duckdb" */
export function describeSetup(setup: CommandSetup): string {
  return `config ${setup.configFile ?? '(none)'}, source ${describeSource(setup.source)}, warehouse ${describeWarehouse(setup.warehouse)}`;
}

/** "/var/lib/sextant/w.duckdb", or "clickhouse http://ch:8123 database sextant (cluster two)" */
export function describeWarehouse(warehouse: CommandSetup['warehouse']): string {
  if (warehouse.kind !== 'clickhouse') return warehouse.path;
  return `clickhouse ${warehouse.url} database ${warehouse.database}${warehouse.cluster ? ` (cluster ${warehouse.cluster})` : ''}`;
}

function describeSource(source: CommandSetup['source']): string {
  return source.kind === 'demo' ? `the built-in demo (seed ${source.seed})` : `prometheus ${source.url}`;
}

/** "the warehouse file" or "the ClickHouse warehouse": what a command that opens the warehouse itself reads or writes. */
export function kindNoun(warehouse: CommandSetup['warehouse']): string {
  return warehouse.kind === 'clickhouse' ? 'the ClickHouse warehouse' : 'the warehouse file';
}

/** "the warehouse file /var/lib/sextant/w.duckdb", or "the ClickHouse warehouse http://ch:8123 database sextant" */
export function warehouseNoun(warehouse: CommandSetup['warehouse']): string {
  return `${kindNoun(warehouse)} ${describeWarehouse(warehouse).replace(/^clickhouse /, '')}`;
}

/** Where the service that answered differs from what the local config describes (it may not be the one the user meant). */
function setupDifferences(local: CommandSetup, service: CommandSetup): string[] {
  const differences: string[] = [];
  const [theirs, ours] = [describeWarehouse(service.warehouse), describeWarehouse(local.warehouse)];
  if (theirs !== ours) differences.push(`warehouse ${theirs}, not ${ours}`);
  if (describeSource(local.source) !== describeSource(service.source)) differences.push(`source ${describeSource(service.source)}, not ${describeSource(local.source)}`);
  return differences;
}
