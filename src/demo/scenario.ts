// The demo world: a few services on a few hosts, with seasonal demand, noise and recurring incidents.
// Every value is a pure function of (seed, metric, labels, timestamp): any window can be regenerated
// identically, by the service, a test or a browser page. Other seeds give unseen scenarios (other
// baselines, incident entities and timings) for evaluation.
import type { Labels, Series, TimeRange } from '../model/index.js';
import { seriesKey } from '../model/index.js';
import { type Incident, type IncidentPlan, companionMs, incidentsIn } from './incidents.js';
import { gaussian, hashString, smoothNoise, uniform } from './random.js';
import { traffic } from './seasonality.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const GIB = 1024 ** 3;

/**
 * The demo metrics, named as the datasets of the default pack so that demo data looks exactly like
 * data ingested from Prometheus.
 */
export const DEMO_METRICS = [
  'up',
  'node_cpu_utilisation_ratio',
  'node_memory_used_ratio',
  'node_filesystem_used_ratio',
  'node_network_receive_bytes_per_second',
  'node_network_transmit_bytes_per_second',
  'process_resident_memory_bytes',
  'http_requests_per_second',
  'http_error_ratio',
  'http_request_duration_p95_seconds',
  'http_request_duration_p99_seconds',
] as const;
export type DemoMetric = (typeof DEMO_METRICS)[number];

/**
 * 87 hours: not a multiple of a day or a week, so an incident never lands at the same hour and weekday
 * twice in a row (a seasonal baseline cannot learn it as normal), and the 14 days a fresh demo
 * backfills hold three or four occurrences of each kind: enough for the failure predictor to learn
 * from the older ones and be checked on the newest.
 */
export const DEFAULT_CYCLE_MS = 87 * HOUR;

export interface DemoHost {
  name: string;
  /** node_exporter's instance label. */
  instance: string;
  mountpoints: string[];
  memoryBytes: number;
}

export interface DemoService {
  /** The service's name, also its `job` and `service` labels. */
  name: string;
  host: string;
  instance: string;
  requestsPerSecond: number;
  p95Seconds: number;
}

export interface DemoScenario {
  readonly seed: number;
  readonly cycleMs: number;
  readonly hosts: readonly DemoHost[];
  readonly services: readonly DemoService[];
  /** The label sets of a metric's series. */
  entities(metric: DemoMetric): Labels[];
  /** Incidents overlapping `range`, sorted by start. */
  incidents(range: TimeRange): Incident[];
  /** The series' value at `t`, or undefined where the series has no sample (its target is down). */
  value(metric: DemoMetric, labels: Labels, t: number): number | undefined;
  /** Every series of `metric` sampled at the multiples of `stepMs` inside [range.start, range.end). */
  series(metric: DemoMetric, range: TimeRange, stepMs: number): Series[];
}

export interface ScenarioOptions {
  cycleMs?: number;
}

const HOST_NAMES = ['node-1', 'node-2', 'node-3', 'node-4'];
const SERVICE_SHAPES = [
  { name: 'checkout', requestsPerSecond: 120, p95Seconds: 0.25 },
  { name: 'payments', requestsPerSecond: 60, p95Seconds: 0.4 },
  { name: 'search', requestsPerSecond: 300, p95Seconds: 0.12 },
];

export function isDemoMetric(name: string): name is DemoMetric {
  return (DEMO_METRICS as readonly string[]).includes(name);
}

export function scenario(seed: number, options: ScenarioOptions = {}): DemoScenario {
  const cycleMs = options.cycleMs ?? DEFAULT_CYCLE_MS;
  // Per-entity constants are drawn once and remembered: series() asks for them at every point.
  const drawn = new Map<string, number>();
  const draw = (name: string): number => {
    let value = drawn.get(name);
    if (value === undefined) drawn.set(name, (value = uniform(seed, hashString(`setup/${name}`), 0)));
    return value;
  };
  const streamOf = (metric: DemoMetric, labels: Labels): number => hashString(`${metric}${seriesKey(labels)}`);
  const hosts: DemoHost[] = HOST_NAMES.map((name) => ({
    name,
    instance: `${name}:9100`,
    mountpoints: ['/', '/var'],
    memoryBytes: 8 * GIB,
  }));
  // The services run on the first hosts; the last host is the database, busy but with no HTTP job.
  const services: DemoService[] = SERVICE_SHAPES.map((shape, i) => ({
    ...shape,
    requestsPerSecond: shape.requestsPerSecond * (0.8 + 0.4 * draw(`rps/${shape.name}`)),
    p95Seconds: shape.p95Seconds * (0.8 + 0.4 * draw(`p95/${shape.name}`)),
    host: HOST_NAMES[i] ?? 'node-1',
    instance: `${HOST_NAMES[i] ?? 'node-1'}:8080`,
  }));
  const plans = incidentPlans(seed, cycleMs, hosts, services);
  // The process series of each host's services, with their noise streams, for the host's memory.
  const processes = services.map((s) => {
    const processLabels = { job: s.name, instance: s.instance };
    return { host: s.host, processLabels, processStream: streamOf('process_resident_memory_bytes', processLabels) };
  });
  const processesOn = (host: string | undefined) => processes.filter((p) => p.host === host);
  const hostOf = (instance: string): DemoHost | undefined => hosts.find((h) => h.instance === instance);
  const serviceOf = (job: string): DemoService | undefined => services.find((s) => s.name === job);

  const entities = (metric: DemoMetric): Labels[] => {
    switch (metric) {
      case 'up':
        return [
          ...hosts.map((h) => ({ job: 'node', instance: h.instance })),
          ...services.map((s) => ({ job: s.name, instance: s.instance })),
        ];
      case 'node_filesystem_used_ratio':
        return hosts.flatMap((h) => h.mountpoints.map((mountpoint) => ({ instance: h.instance, mountpoint })));
      case 'node_cpu_utilisation_ratio':
      case 'node_memory_used_ratio':
      case 'node_network_receive_bytes_per_second':
      case 'node_network_transmit_bytes_per_second':
        return hosts.map((h) => ({ instance: h.instance }));
      case 'process_resident_memory_bytes':
        return services.map((s) => ({ job: s.name, instance: s.instance }));
      case 'http_requests_per_second':
      case 'http_error_ratio':
      case 'http_request_duration_p95_seconds':
      case 'http_request_duration_p99_seconds':
        return services.map((s) => ({ job: s.name, service: s.name }));
    }
  };

  const incidents = (range: TimeRange): Incident[] => incidentsIn(seed, cycleMs, plans, range);

  // `around` holds at least the incidents overlapping t (of any entity): series() computes them once
  // per range instead of once per point.
  const valueAt = (metric: DemoMetric, labels: Labels, t: number, around: readonly Incident[], stream: number): number | undefined => {
    const minute = Math.floor(t / MINUTE);
    const noise = (): number => gaussian(seed, stream, minute);
    const wander = (periodMs: number): number => smoothNoise(seed, stream ^ 0x5bd1e995, t, periodMs);
    const during = (kind: Incident['kind']): Incident | undefined =>
      around.find((i) => i.kind === kind && i.start <= t && t < i.end && matches(i.labels, labels));
    /** How far `t` is into the incident, from 0 at its start to 1 at its end. */
    const progress = (incident: Incident): number => (t - incident.start) / (incident.end - incident.start);
    const demand = traffic(t);
    const hostLoad = (instance: string): number => {
      const host = hostOf(instance);
      const service = services.find((s) => s.host === host?.name);
      return service ? demand * (0.7 + 0.6 * draw(`load/${service.name}`)) : 0.6 + 0.4 * demand;
    };

    switch (metric) {
      case 'up':
        return during('oom_restart') ? 0 : 1;
      case 'node_cpu_utilisation_ratio': {
        if (during('flapping')) {
          // A square wave across 0.9 every 3.5 minutes: the condition a flapping alert fires on.
          const high = Math.floor(t / (3.5 * MINUTE)) % 2 === 0;
          return clamp((high ? 0.95 : 0.82) + 0.01 * noise(), 0, 1);
        }
        const base = 0.08 + 0.1 * draw(`cpu/${labels.instance}`);
        return clamp(base + 0.28 * hostLoad(labels.instance ?? '') + 0.02 * wander(20 * MINUTE) + 0.015 * noise(), 0.01, 1);
      }
      case 'node_memory_used_ratio': {
        const host = hostOf(labels.instance ?? '');
        const base = 0.35 + 0.2 * draw(`mem/${labels.instance}`);
        const resident = processesOn(host?.name)
          .reduce((sum, s) => sum + (valueAt('process_resident_memory_bytes', s.processLabels, t, around, s.processStream) ?? 0), 0);
        const used = base + resident / (host?.memoryBytes ?? 8 * GIB) + 0.02 * (demand - 1) + 0.01 * wander(2 * HOUR) + 0.003 * noise();
        return clamp(used, 0, 1);
      }
      case 'node_filesystem_used_ratio': {
        const base = (labels.mountpoint === '/' ? 0.3 : 0.45) + 0.15 * draw(`fs/${labels.instance}${labels.mountpoint}`);
        // Logs grow through the day and are rotated at midnight.
        const daily = 0.02 * ((((t % DAY) + DAY) % DAY) / DAY);
        const fill = during('disk_fill');
        const filling = fill ? (0.97 - base) * Math.pow(progress(fill), 1.5) : 0;
        return clamp(base + daily + filling + 0.0005 * noise(), 0, 1);
      }
      case 'node_network_receive_bytes_per_second':
      case 'node_network_transmit_bytes_per_second': {
        const direction = metric === 'node_network_receive_bytes_per_second' ? 1 : 1.6;
        const base = 2.5e6 * direction * (0.7 + 0.6 * draw(`net/${labels.instance}`));
        return Math.max(0, base * hostLoad(labels.instance ?? '') * (1 + 0.05 * wander(15 * MINUTE) + 0.03 * noise()));
      }
      case 'process_resident_memory_bytes': {
        if (during('oom_restart')) return undefined;
        const base = (300 + 200 * draw(`rss/${labels.job}`)) * 1024 ** 2;
        const leak = during('memory_leak');
        // Grows faster and faster until the 3 GiB limit, where the kernel kills it.
        const leaked = leak ? (3 * GIB - base) * Math.pow(progress(leak), 1.3) : 0;
        return base * (1 + 0.02 * wander(30 * MINUTE) + 0.005 * noise()) + leaked;
      }
      case 'http_requests_per_second': {
        const service = serviceOf(labels.job ?? '');
        const dip = during('oom_restart') ? 0.3 : 1;
        return Math.max(0, (service?.requestsPerSecond ?? 0) * demand * dip * (1 + 0.03 * wander(10 * MINUTE) + 0.02 * noise()));
      }
      case 'http_error_ratio': {
        if (during('oom_restart')) return clamp(0.35 + 0.03 * noise(), 0, 1);
        if (during('error_burst')) return clamp(0.15 + 0.015 * noise(), 0, 1);
        // Requests to the slowing dependency start to time out: up to 3 % just before it goes down.
        const slowdown = during('dependency_slowdown');
        const timeouts = slowdown ? 0.03 * Math.pow(progress(slowdown), 2) : 0;
        const regression = during('latency_regression') ? 1.8 : 1;
        return clamp(0.002 * regression * Math.exp(0.3 * noise()) + timeouts, 0, 1);
      }
      case 'http_request_duration_p95_seconds':
      case 'http_request_duration_p99_seconds': {
        const service = serviceOf(labels.job ?? '');
        const regression = during('latency_regression');
        const dependency = during('dependency_slowdown');
        // A bad deploy: latency ramps up over 5 minutes and stays up until the rollback. A slowing
        // dependency: latency climbs steadily, to 1.8 times its usual, until the dependency goes down.
        const slowdown = regression
          ? 1 + 1.6 * Math.min(1, (t - regression.start) / (5 * MINUTE))
          : dependency
            ? 1 + 0.8 * progress(dependency)
            : 1;
        const tail = metric === 'http_request_duration_p99_seconds' ? 1.9 * Math.exp(0.05 * gaussian(seed, stream ^ 1, minute)) : 1;
        const p95 = (service?.p95Seconds ?? 0.2) * (0.85 + 0.15 * demand) * Math.exp(0.04 * noise() + 0.05 * wander(30 * MINUTE));
        return p95 * tail * slowdown;
      }
    }
  };

  const value = (metric: DemoMetric, labels: Labels, t: number): number | undefined =>
    valueAt(metric, labels, t, incidents({ start: t, end: t + 1 }), streamOf(metric, labels));

  const series = (metric: DemoMetric, range: TimeRange, stepMs: number): Series[] => {
    const first = Math.ceil(range.start / stepMs) * stepMs;
    const around = incidents(range);
    return entities(metric).map((labels) => {
      const stream = streamOf(metric, labels);
      const samples = [];
      for (let t = first; t < range.end; t += stepMs) {
        const v = valueAt(metric, labels, t, around, stream);
        if (v !== undefined) samples.push({ t, v });
      }
      return { labels, samples };
    });
  };

  return { seed, cycleMs, hosts, services, entities, incidents, value, series };
}

/**
 * One incident of each kind per cycle, each in its own slot (so they never overlap, companions
 * included), slots and entities shuffled by the seed. The slow failures stay slow (a leak builds up
 * over half a day, a disk fills over more than a day), which is what gives capacity recommendations
 * and the failure predictor their lead time.
 */
function incidentPlans(seed: number, cycleMs: number, hosts: DemoHost[], services: DemoService[]): IncidentPlan[] {
  const pick = <T>(items: readonly T[], name: string): T => items[Math.floor(uniform(seed, hashString(`pick/${name}`), 0) * items.length)] as T;
  const leaking = pick(services, 'memory_leak');
  const regressing = pick(services.filter((s) => s !== leaking), 'latency_regression');
  const bursting = pick(services, 'error_burst');
  const filling = pick(hosts, 'disk_fill');
  const flapping = pick(hosts.filter((h) => h !== filling), 'flapping');
  const shapes: Omit<IncidentPlan, 'slotStartMs' | 'slackMs'>[] = [
    {
      kind: 'memory_leak',
      entity: leaking.name,
      labels: { job: leaking.name },
      metrics: ['process_resident_memory_bytes', 'node_memory_used_ratio'],
      severity: 'warning',
      description: `${leaking.name} leaks memory until it reaches its 3 GiB limit`,
      durationMs: 12 * HOUR,
    },
    {
      kind: 'disk_fill',
      entity: filling.name,
      labels: { instance: filling.instance, mountpoint: '/var' },
      metrics: ['node_filesystem_used_ratio'],
      severity: 'critical',
      description: `/var on ${filling.name} fills up to 97% until its logs are cleaned up`,
      durationMs: 30 * HOUR,
    },
    {
      kind: 'latency_regression',
      entity: regressing.name,
      labels: { job: regressing.name },
      metrics: ['http_request_duration_p95_seconds', 'http_request_duration_p99_seconds', 'http_error_ratio'],
      severity: 'warning',
      description: `a deploy of ${regressing.name} makes it 2.6 times slower until it is rolled back`,
      durationMs: 5 * HOUR,
    },
    {
      kind: 'error_burst',
      entity: bursting.name,
      labels: { job: bursting.name },
      metrics: ['http_error_ratio'],
      severity: 'critical',
      description: `${bursting.name} fails 15% of its requests (a dependency is down)`,
      durationMs: 25 * MINUTE,
    },
    {
      kind: 'flapping',
      entity: flapping.name,
      labels: { instance: flapping.instance },
      metrics: ['node_cpu_utilisation_ratio'],
      severity: 'warning',
      description: `CPU of ${flapping.name} swings across 90% every 3.5 minutes (a batch job fighting its throttle)`,
      durationMs: 2 * HOUR,
    },
  ];
  const order = shapes
    .map((shape, i) => ({ shape, key: uniform(seed, hashString('slot-order'), i) }))
    .sort((a, b) => a.key - b.key)
    .map((entry) => entry.shape);
  // Each slot holds its incident with companions, plus an equal share of the cycle's spare time.
  const spans = order.map((shape) => companionMs(shape.kind).beforeMs + shape.durationMs + companionMs(shape.kind).afterMs);
  const spareMs = (cycleMs - spans.reduce((a, b) => a + b, 0)) / order.length;
  if (spareMs < 0) throw new Error(`demo scenario: a cycle of ${cycleMs} ms is too short for its incidents`);
  let slotStartMs = 0;
  return order.map((shape, slot) => {
    const plan = { ...shape, slotStartMs, slackMs: spareMs * 0.8 };
    slotStartMs += spans[slot]! + spareMs;
    return plan;
  });
}

function matches(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([name, value]) => labels[name] === value);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
