// `sextant serve`: loads the config, opens the warehouse, starts the scheduled jobs and the HTTP
// server, and shuts all of it down in order on SIGTERM or SIGINT.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { alertJobs } from '../alerts/setup.js';
import { ConfigError, configFileFrom, dumpConfig, loadConfig, type Config } from '../config/index.js';
import { createApp, createStartingApp } from '../http/app.js';
import { registerEventLoopMetrics } from '../http/event-loop-metrics.js';
import { registerProcessMetrics } from '../http/process-metrics.js';
import { alertsApiRouter } from '../http/routes/alerts-router.js';
import { apiRouters } from '../http/routes/index.js';
import { SeriesFamilies } from '../metrics/series-gauge-family.js';
import { closeServer, listen, startService, type Listener, type RunningService, type ServiceState } from '../http/service-lifecycle.js';
import { BackfillRunner } from '../jobs/backfill-runner.js';
import { createIngestJob } from '../jobs/ingest.js';
import { ingestTimingFromConfig } from '../jobs/ingest-setup.js';
import { ingestSourcesFromConfig } from '../jobs/ingest-sources.js';
import type { Job } from '../jobs/job.js';
import { predictStagesFromConfig } from '../jobs/predict-setup.js';
import { createColdTierJob } from '../jobs/cold-tier.js';
import { createRetentionJob } from '../jobs/retention.js';
import { createRollupJob } from '../jobs/rollup.js';
import { createScheduler, type Scheduler } from '../jobs/scheduler.js';
import { createReportJob } from '../jobs/report.js';
import { RetrainRequests } from '../jobs/retrain.js';
import { LiveEvents, type LiveEventType } from '../http/live-events.js';
import { anomalyView } from '../http/routes/anomalies.js';
import { createScoreJob, scoringFromConfig } from '../jobs/score.js';
import { createWriteTurns, takingTurns, type WriteTurns } from '../jobs/write-turns.js';
import { createLogger, type Logger } from '../log.js';
import { ReportService } from '../reports/report-service.js';
import type { DatasetDefinition, MetricsSource } from '../sources/metrics-source.js';
import type { ServiceWarehouse } from '../warehouse/stores.js';
import { openServiceWarehouse } from './open-warehouse.js';
import { Membership } from '../replicas/membership.js';
import { replicaJobs } from '../replicas/replica-jobs.js';
import { loadDemoBusinessData } from '../sources/demo-business.js';
import { DEMO_BUSINESS_TABLE } from '@sextant/core/demo';

const usage = `usage: sextant serve [--config FILE] [--print-config]

  --config FILE    the config file (default: $SEXTANT_CONFIG, else ./sextant.yaml)
  --print-config   print the effective config (defaults and SEXTANT_ overrides applied,
                   secrets redacted) and exit
`;

interface JobContext {
  config: Config;
  warehouse: ServiceWarehouse;
  source: MetricsSource;
  datasets: readonly DatasetDefinition[];
  registry: Registry;
  families: SeriesFamilies;
  log: Logger;
  now: () => number;
  /** Shared by the ingest job and API backfills: one writes ingest windows at a time. */
  turns: WriteTurns;
  /** Filled by API backfills, drained by the score job. */
  retrain: RetrainRequests;
  /** What the jobs publish to GET /api/v1/events. */
  live: LiveEvents;
  /** Set when this process is one of several replicas sharing a ClickHouse warehouse. */
  replicas: Membership | undefined;
}

/** The scheduled stages of the service: one line per job (an area adds its job here). */
function jobsOf(c: JobContext): Job[] {
  const { warehouse, registry, now } = c;
  return [
    takingTurns(createIngestJob({ warehouse, source: c.source, datasets: c.datasets, registry, log: c.log.child({ job: 'ingest' }), now, ...ingestTimingFromConfig(c.config), ...replicasOf(c) }), c.turns),
    createScoreJob({ store: warehouse.anomalies, datasets: c.datasets, registry, families: c.families, log: c.log.child({ job: 'score' }), intervalMs: c.config.ingest.interval, scoring: scoringFromConfig(c.config.anomaly), retrain: c.retrain, onNewEvents: (tenant, events) => events.forEach((e) => c.live.publish(tenant, 'anomaly', anomalyView(e))), ...replicasOf(c) }),
    createRollupJob({ warehouse, registry, log: c.log, intervalMs: c.config.warehouse.rollupInterval }),
    createRetentionJob({ warehouse, registry, log: c.log, now, intervalMs: c.config.warehouse.retentionInterval }),
    ...(warehouse.cold && c.config.warehouse.cold.enabled ? [createColdTierJob({ cold: warehouse.cold, registry, log: c.log, now, intervalMs: c.config.warehouse.cold.interval })] : []),
    ...(c.config.reports.enabled && c.config.reports.schedule.length
      ? [createReportJob({ service: new ReportService({ stores: warehouse, config: c.config, registry, log: c.log.child({ job: 'report' }), now }), schedule: c.config.reports.schedule, tenants: [...new Set(c.datasets.map((d) => d.tenant))], log: c.log.child({ job: 'report' }), now, intervalMs: c.config.reports.checkInterval })]
      : []),
  ];
}

function replicasOf(c: JobContext): { replicas?: Membership } {
  return c.replicas ? { replicas: c.replicas } : {};
}

/** This process's membership among replicas, when warehouse.clickhouse.replica is set. */
function membershipOf(config: Config, warehouse: ServiceWarehouse, registry: Registry, log: Logger, now: () => number): Membership | undefined {
  const replica = config.warehouse.clickhouse?.replica;
  if (!replica || !warehouse.replicas) return undefined;
  log.info('replicas: sharing the series with the other replicas of the warehouse', { id: replica.id, heartbeatMs: replica.heartbeat, leaseMs: replica.lease });
  return new Membership({ store: warehouse.replicas, id: replica.id, heartbeatMs: replica.heartbeat, leaseMs: replica.lease, now, log: log.child({ area: 'replicas' }), registry });
}

/** Which live event tells clients to re-read after a run of a stage's job. */
const ANNOUNCED: Record<string, LiveEventType> = { predict: 'predictions', recommend: 'recommendations' };

/** The job, telling every tenant's live clients after each run that its results may have changed. */
function announcing(job: Job, live: LiveEvents, tenants: readonly string[]): Job {
  const type = ANNOUNCED[job.name];
  if (!type) return job;
  return {
    ...job,
    run: async (signal) => {
      await job.run(signal);
      for (const tenant of tenants) live.publish(tenant, type, { stage: job.name });
    },
  };
}

/** The scheduler, whose stop also stops the API's backfills: both must end before the warehouse closes. */
function withBackfills(scheduler: Scheduler, backfills: BackfillRunner): Scheduler {
  return {
    start: () => scheduler.start(),
    stop: async () => {
      await Promise.all([scheduler.stop(), backfills.stop()]);
    },
  };
}

/** The scheduler, whose stop ends with this replica leaving the membership (its jobs have all stopped by then). */
function leavingAtStop(scheduler: Scheduler, replicas: Membership | undefined, log: Logger): Scheduler {
  if (!replicas) return scheduler;
  return {
    start: () => scheduler.start(),
    stop: async () => {
      await scheduler.stop();
      await replicas.leave().then(
        () => log.info('replicas: left the membership; the others take this replica\'s share at their next runs'),
        (error: unknown) => log.warn('replicas: could not leave the membership; the others take this replica\'s share after its lease', { error: String(error) }),
      );
    },
  };
}

/** The full service on an open port, once the warehouse is open. */
function startOn(listener: Listener, warehouse: ServiceWarehouse, config: Config, log: Logger, now: () => number, configFile: string | undefined): RunningService {
  const registry = new Registry();
  registerProcessMetrics(registry);
  registerEventLoopMetrics(registry);
  const families = new SeriesFamilies();
  if (config.source.kind === 'demo' && config.datasets.custom.length) {
    log.warn('datasets.custom is ignored with the demo source (it answers only its own datasets)', { ignored: config.datasets.custom.map((d) => d.name) });
  }
  // Logs and traces join the metrics in the one ingest job (in demo mode, the demo's own).
  const { source, datasets } = ingestSourcesFromConfig(config, log, now);
  log.info('datasets', { source: source.name, datasets: datasets.map((d) => `${d.tenant}/${d.name}`) });
  const predictStages = predictStagesFromConfig({ config, warehouse, datasets, registry, log, now });
  const demoAlerts = config.source.kind === 'demo' ? { demo: { seed: config.source.demo.seed, tenant: config.datasets.tenant } } : {};
  const alertDeps = { config: config.alerts, store: warehouse.alerts, registry, log, now };
  const turns = createWriteTurns();
  const retrain = new RetrainRequests();
  const live = new LiveEvents();
  const { delayMs, windowMs } = ingestTimingFromConfig(config);
  const replicas = membershipOf(config, warehouse, registry, log, now);
  const backfills = new BackfillRunner({
    warehouse, source, datasets, turns, registry, log: log.child({ area: 'backfill' }), now, delayMs, windowMs,
    pointsRetentionMs: config.warehouse.retention.points, maxRangeMs: config.ingest.maxBackfill, retrain,
    ...(replicas ? { replicas: { holds: replicas, anomalies: warehouse.anomalies } } : {}),
  });
  const allJobs = [
    ...jobsOf({ config, warehouse, source, datasets, registry, families, log, now, turns, retrain, live, replicas }),
    ...predictStages.jobs.map((job) => announcing(job, live, [...new Set(datasets.map((d) => d.tenant))])),
    ...alertJobs({ ...alertDeps, warehouse, tenants: [...new Set([...datasets.map((d) => d.tenant), ...config.auth.tokens.map((t) => t.tenant)])], ...demoAlerts }),
  ];
  const jobs = replicas ? replicaJobs(allJobs, replicas) : allJobs;
  const scheduler = leavingAtStop(withBackfills(createScheduler({ jobs, registry, log, now }), backfills), replicas, log);
  const state: ServiceState = { shuttingDown: false };
  const tokens = config.auth.tokens.map((t) => ({ name: t.name, token: t.token.reveal(), tenant: t.tenant, role: t.role }));
  if (!tokens.length) log.warn('auth.tokens is empty: every /api request will be refused');
  if (!config.auth.metricsToken) log.warn('auth.metricsToken is not set: every /metrics request will be refused');
  const app = createApp({
    registry,
    families,
    log,
    tokens,
    metricsToken: config.auth.metricsToken?.reveal(),
    isReady: () => !state.shuttingDown && warehouse.isReady(),
    bodyLimitBytes: config.server.bodyLimitBytes,
    bodyMaxDepth: config.server.bodyMaxDepth,
    requestTimeoutMs: config.server.requestTimeout,
    apiRouters: apiRouters({ config, ...(configFile ? { configFile } : {}), warehouse, stores: warehouse, datasets, registry, log, now, predict: predictStages.api, alerts: alertsApiRouter(alertDeps), backfills, live }),
  });
  return startService({ listener, app, scheduler, closeWarehouse: () => warehouse.close(), endStreams: () => live.endAll(), state, log, shutdownTimeoutMs: config.server.shutdownTimeout });
}

/** Everything `sextant serve` runs, from a loaded config: the port opens first, then the warehouse. */
export async function serve(config: Config, log: Logger, now: () => number = Date.now, configFile?: string): Promise<RunningService> {
  const listener = await listen(config.server.listen, config.server.port, createStartingApp());
  log.info('listening; opening the warehouse', { listen: `${listener.address.address}:${listener.address.port}` });
  let warehouse: ServiceWarehouse | undefined;
  try {
    warehouse = await openServiceWarehouse(config, log, now);
    if (config.source.kind === 'demo') {
      // The demo's business data, so that BI queries can join on it (README quick tour).
      await loadDemoBusinessData(warehouse.reference, config.datasets.tenant, config.source.demo.seed).then(
        (loaded) => loaded && log.info('demo business data imported', { table: DEMO_BUSINESS_TABLE, tenant: config.datasets.tenant }),
        (error: unknown) => log.warn('demo business data not imported', { error: String(error) }),
      );
    }
    return startOn(listener, warehouse, config, log, now, configFile);
  } catch (error) {
    await warehouse?.close();
    await closeServer(listener.server);
    throw error;
  }
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string', short: 'c' }, 'print-config': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const file = configFileFrom(values.config, process.env);
  let config: Config;
  try {
    config = loadConfig(file, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`sextant: invalid configuration\n${error.problems.map((p) => `  ${p}`).join('\n')}\n`);
    return 2;
  }
  if (values['print-config']) {
    process.stdout.write(`${dumpConfig(config)}\n`);
    return 0;
  }
  const log = createLogger(config.log.level);
  // Listening first: a signal that arrives while the warehouse opens shuts down right after start.
  const signal = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log.info('starting sextant', { config: file, source: config.source.kind, pid: process.pid });
  log.debug('effective config', JSON.parse(dumpConfig(config)) as Record<string, unknown>);
  const service = await serve(config, log, Date.now, resolve(file));
  const clean = await service.shutdown(await signal);
  return clean ? 0 : 1;
}
