import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's process and Node.js metrics on `registry`, minus the gauges it names `*_total`
 * (nodejs_active_handles_total and friends): `promtool check metrics` rejects a gauge with a
 * counter's suffix, and their per-type siblings (nodejs_active_handles{type}) say the same thing.
 */
export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    if (type === 'gauge' && name.endsWith('_total')) registry.removeSingleMetric(name);
  }
}
