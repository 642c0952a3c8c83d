// The report's opening paragraph, worded from its own tables.
import { notCompared, notComparedText } from './comparison.js';
import { METRICS } from './metrics.js';
import { countedUntil } from './period.js';
import type { Cell, Report, ReportTable } from './report.js';
import { resolvedBy } from './resolved.js';
import type { ReportInput } from './tables.js';

export function percent(ratio: number, digits = 2): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** A change on the previous period in words; one that rounds to 0.0% is "level", not "down 0.0%". */
function onPrevious(ratio: number): string {
  if (Math.abs(ratio) < 0.0005) return 'level with the previous period (within 0.1%)';
  return `${ratio >= 0 ? 'up' : 'down'} ${percent(Math.abs(ratio), 1)} on the previous period`;
}

export function utc(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

function table(report: Report, name: string): ReportTable {
  const t = report.tables.find((x) => x.name === name);
  if (!t) throw new Error(`report has no table ${name}`);
  return t;
}

const num = (v: Cell | undefined): number | null => (typeof v === 'number' ? v : null);

/** The visible mark of a partial report: what it covers of a period that is not over. */
export function partialLine(report: Report): string {
  return `Partial report: this ${report.period} period runs to ${utc(report.range.end)}, but the report was made at ${utc(report.generatedAt)}; it covers ${utc(report.range.start)} to ${utc(report.generatedAt)} only, and counts nothing after it.`;
}

export function summarise(report: Report, input: ReportInput): string[] {
  const span = `${utc(report.range.start)} to ${utc(report.partial ? report.generatedAt : report.range.end)}`;
  const lines: string[] = report.partial ? [partialLine(report)] : [];
  if (!report.hasData) {
    return [...lines, `No data: the warehouse holds nothing for tenant "${report.tenant}" from ${span}: no metrics were ingested, no alert fired and no anomaly was found. Check that ingest runs for this tenant.`];
  }
  const services = table(report, 'services').rows;
  const perService = services.filter((r) => r.service !== 'all services' && num(r.availability) !== null);
  if (perService.length) {
    const met = perService.filter((r) => r.objective_met === 'yes').length;
    const worst = [...perService].sort((a, b) => (num(a.availability) as number) - (num(b.availability) as number))[0] as Record<string, Cell>;
    lines.push(
      `Availability: ${met} of ${perService.length} services met their objective; the lowest was ${worst.service} at ${percent(num(worst.availability) as number, 3)} (objective ${percent(num(worst.objective) as number, 3)}).`,
    );
  } else if (report.partial && input.ingest.some((r) => r.dataset === 'up' && r.firstSampleAt !== null && r.firstSampleAt < report.generatedAt)) {
    lines.push('Availability: not known yet: `up` is ingested, but no hour of it in this partial period has been rolled up yet.');
  } else {
    lines.push('Availability: no `up` samples were stored for this period, so availability is unknown.');
  }
  const until = countedUntil(input);
  const skipped = notCompared(input, until);
  /** Why `metric` was not compared, as a clause, or `otherwise` when it was not left out. */
  const leftOut = (metric: string, otherwise: string): string => {
    const reason = skipped.get(metric);
    return reason === undefined ? otherwise : `, ${notComparedText(reason)}`;
  };
  const all = services.find((r) => r.service === 'all services') ?? (services.length === 1 ? services[0] : undefined);
  if (all && num(all.request_rate) !== null) {
    const change = num(all.request_rate_change);
    const compared = change !== null ? `, ${onPrevious(change)}` : leftOut(METRICS.rate, ' (no previous period to compare)');
    lines.push(`Traffic averaged ${(num(all.request_rate) as number).toFixed(2)} req/s${compared}.`);
  }
  if (all && num(all.error_ratio) !== null) {
    const prev = num(all.error_ratio_previous);
    const compared = prev !== null ? ` (previous period: ${percent(prev)})` : leftOut(METRICS.errors, '');
    lines.push(`Errors: ${percent(num(all.error_ratio) as number)} of requests failed${compared}.`);
  }
  const slowest = services.filter((r) => r.service !== 'all services' && num(r.p95) !== null).sort((a, b) => (num(b.p95) as number) - (num(a.p95) as number))[0];
  if (slowest) {
    const change = num(slowest.p95_change);
    const compared = change !== null ? `, ${onPrevious(change)}` : leftOut(METRICS.p95, '');
    lines.push(`Latency: the slowest service was ${slowest.service} with a p95 of ${((num(slowest.p95) as number) * 1000).toFixed(0)} ms${compared}.`);
  }
  const rules = table(report, 'alert_rules').rows;
  if (rules.length) {
    const firings = rules.reduce((s, r) => s + (num(r.firings) ?? 0), 0);
    const hours = rules.reduce((s, r) => s + (num(r.firing_hours) ?? 0), 0);
    const resolved = resolvedBy(input.alerts, until);
    const mttr = resolved.length ? resolved.reduce((s, a) => s + ((a.endsAt as number) - a.startsAt), 0) / resolved.length / 60_000 : null;
    const top = rules[0] as Record<string, Cell>;
    lines.push(
      `Alerts: ${firings} firing${firings === 1 ? '' : 's'} of ${rules.length} rule${rules.length === 1 ? '' : 's'}, ${hours.toFixed(1)} h firing in total${mttr === null ? '' : `, mean time to resolve ${mttr.toFixed(0)} min`}; the noisiest rule was ${top.alertname} (${top.firings}).`,
    );
  } else {
    lines.push('Alerts: none fired.');
  }
  const anomalies = table(report, 'anomalies').rows;
  const strongest = anomalies[0];
  lines.push(
    strongest
      ? `Anomalies: ${anomalies.length} shown; the strongest was on ${strongest.dataset} ${strongest.series} at ${utc(num(strongest.start) as number)} (score ${(num(strongest.peak_score) as number).toFixed(2)}).`
      : 'Anomalies: none detected.',
  );
  const capacity = table(report, 'capacity').rows;
  const filling = capacity.filter((r) => num(r.fills_at) !== null);
  if (filling.length) {
    const first = filling[0] as Record<string, Cell>;
    lines.push(`Capacity: ${filling.length} resource${filling.length === 1 ? '' : 's'} forecast to reach ${percent(input.capacityThreshold, 0)} within 30 days; first ${first.dataset} on ${first.entity} in ${(num(first.days_left) as number).toFixed(1)} days.`);
  } else if (capacity.length) {
    lines.push(`Capacity: none of ${capacity.length} resources is forecast to reach ${percent(input.capacityThreshold, 0)} within 30 days.`);
  }
  const risk = table(report, 'failure_risk').rows[0];
  if (risk) lines.push(`Failure risk: highest for ${risk.entity} at ${percent(num(risk.max_probability) as number, 0)}.`);
  const recs = table(report, 'recommendations').rows;
  if (recs.length) {
    const count = (f: (r: Record<string, Cell>) => boolean) => recs.filter(f).length;
    lines.push(
      `Recommendations: ${count((r) => r.status === 'open')} open, ${count((r) => r.status === 'applied')} applied (${count((r) => r.outcome === 'success')} succeeded, ${count((r) => r.outcome === 'failure')} failed).`,
    );
  }
  const ingest = table(report, 'ingest').rows;
  const failed = ingest.reduce((s, r) => s + (num(r.failed_runs) ?? 0), 0);
  const runs = ingest.reduce((s, r) => s + (num(r.runs) ?? 0), 0);
  const gappy = ingest.filter((r) => (num(r.gaps) ?? 0) > 0);
  lines.push(
    `Data: ${runs} ingest run${runs === 1 ? '' : 's'}, ${failed} failed; ` +
      (gappy.length
        ? `${gappy.length} of ${ingest.length} datasets have gaps where data was expected (the longest ${Math.max(...gappy.map((r) => num(r.longest_gap_hours) ?? 0))} h), so numbers above cover only the hours with data.`
        : 'no gaps.'),
  );
  return lines;
}
