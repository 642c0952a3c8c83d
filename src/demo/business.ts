// The demo's business data: which team owns each host and what it costs, as a CSV that the service
// imports into the reference table `hosts` (so the quick tour can show CPU and cost per team).
import type { DemoScenario } from './scenario.js';

/** Owner and cost of each demo host, by host name (the database host belongs to the data team). */
const OWNERS: Record<string, { team: string; costCentre: string; costPerHour: number }> = {
  'node-1': { team: 'storefront', costCentre: 'CC-100', costPerHour: 0.19 },
  'node-2': { team: 'storefront', costCentre: 'CC-100', costPerHour: 0.19 },
  'node-3': { team: 'payments', costCentre: 'CC-200', costPerHour: 0.38 },
  'node-4': { team: 'data', costCentre: 'CC-300', costPerHour: 0.76 },
};

export const DEMO_BUSINESS_TABLE = 'hosts';

/** `instance,host,team,cost_centre,cost_per_hour`, one row per host, keyed by node_exporter's instance label. */
export function demoHostsCsv(scenario: Pick<DemoScenario, 'hosts'>): string {
  const rows = scenario.hosts.map((h) => {
    const owner = OWNERS[h.name] ?? { team: 'unowned', costCentre: 'CC-000', costPerHour: 0.1 };
    return `${h.instance},${h.name},${owner.team},${owner.costCentre},${owner.costPerHour}`;
  });
  return `instance,host,team,cost_centre,cost_per_hour\n${rows.join('\n')}\n`;
}
