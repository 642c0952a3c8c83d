import { Router } from 'express';
import type { Config } from '../../config/index.js';
import type { SourceConfig } from '../../config/sections/source.js';
import { authOf } from '../auth-context.js';
import type { ApiDeps } from './api-deps.js';

/** What a service reads and writes, as its CLI prints it: a user can tell which service answered. */
export interface ServiceStatus {
  /** The config file the service loaded (absolute), or null when it was given none (tests). */
  configFile: string | null;
  source: { kind: 'demo'; seed: number } | { kind: 'prometheus'; url: string };
  /** The DuckDB file, or the ClickHouse server (its url without credentials), database and cluster. */
  warehouse: { kind: 'duckdb'; path: string } | { kind: 'clickhouse'; url: string; database: string; cluster?: string };
  /** Who asked: the token's name, tenant and role. */
  caller: { token: string; tenant: string; role: string };
}

export function sourceSummary(source: SourceConfig): ServiceStatus['source'] {
  return source.kind === 'demo' ? { kind: 'demo', seed: source.demo.seed } : { kind: 'prometheus', url: source.prometheus.url ?? '' };
}

export function warehouseSummary(warehouse: Config['warehouse']): ServiceStatus['warehouse'] {
  const ch = warehouse.clickhouse;
  if (warehouse.kind !== 'clickhouse' || !ch?.url) return { kind: 'duckdb', path: warehouse.path };
  const url = new URL(ch.url);
  url.username = '';
  url.password = '';
  return { kind: 'clickhouse', url: url.href.replace(/\/$/, ''), database: ch.database, ...(ch.cluster ? { cluster: ch.cluster } : {}) };
}

/** GET /status: the service's config file, source and warehouse (paths reveal the host: token needed, any role). */
export function statusRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/status', (_req, res) => {
    const auth = authOf(res);
    const status: ServiceStatus = {
      configFile: deps.configFile ?? null,
      source: sourceSummary(deps.config.source),
      warehouse: warehouseSummary(deps.config.warehouse),
      caller: { token: auth.tokenName, tenant: auth.tenant, role: auth.role },
    };
    res.json(status);
  });
  return router;
}
