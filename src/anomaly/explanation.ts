import type { Severity } from './severity.js';

/** Names of the detectors that can fire, as exported in the `sextant_detector` label. */
export type DetectorName = 'seasonal-baseline' | 'robust-level' | 'level-shift' | 'out-of-range' | 'drift' | 'isolation-forest' | 'ensemble';

/**
 * What a detector found beyond the point's own deviation, in the series' units: a drift or a level
 * shift is a departure of the level, which the point itself (compared with a level that has
 * followed it) need not show, and a group's alarm is about its members. Only the fields of the
 * detector that fired are set.
 */
export interface Evidence {
  /** out-of-range: the smallest and largest values seen before this point. */
  seenLow?: number;
  seenHigh?: number;
  /** level-shift: the local level just before the shift completed (it creeps towards the new values while the run lasts) and after it. */
  levelFrom?: number;
  levelTo?: number;
  /** drift: the mean departure of the values from their expected value over the drift's memory (series units, signed). */
  driftMean?: number;
  /** drift: that mean departure in standard errors of such a mean (what the drift channel scored). */
  driftSigmas?: number;
  /** drift: the drift's memory in points (1 / driftAlpha), and in ms when the series' step is known. */
  driftPoints?: number;
  driftMs?: number;
  /**
   * isolation-forest: the members that deviate most at this step, most deviant first (index in the
   * group, deviation in sigmas, and the member's series when the caller knows it: the service names
   * each by its dataset and labels). With another detector: a group's corroborated alarm (members
   * alarming together at a broad departure, see `GroupDetector`), the members that alarmed, most
   * deviant first.
   */
  members?: { index: number; deviation: number; name?: string }[];
  /**
   * A group member's alarm served once its departure persisted: `large` of the `of` points after the
   * alarm stayed at least `sigmas` from their expected values; the alarm itself (its time, value,
   * expected value, band, deviation and detector: the score served is its score) when this detector
   * saw it raised.
   */
  persisted?: {
    t?: number;
    value?: number;
    expected?: number;
    lower?: number;
    upper?: number;
    deviation?: number;
    detector?: DetectorName;
    large: number;
    of: number;
    sigmas: number;
  };
}

/** A score and why: what was expected, the band of normal values, and which detector fired. */
export interface ScoredPoint {
  t: number;
  value: number;
  /** Calibrated anomaly score in [0,1]. */
  score: number;
  expected: number;
  lower: number;
  upper: number;
  /** Deviation from the expected value in robust standard deviations. */
  deviation: number;
  detector: DetectorName;
  severity: Severity;
  /** What the detector found, when that is more than the point's deviation (see `Evidence`). */
  evidence?: Evidence;
}

/** A number in a short form: 4 significant digits, no exponent for ordinary magnitudes. */
export function formatValue(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${formatValue(x)}`;
}

function duration(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 1 ? `${Number(hours.toPrecision(2))} h` : `${Math.max(1, Math.round(ms / 60_000))} min`;
}

/** What `describeExplanation` needs: a scored point, or an anomaly event's stored explanation (with its evidence, if any). */
export type Explained = Pick<ScoredPoint, 'value' | 'expected' | 'lower' | 'upper' | 'deviation' | 'evidence'> & { detector: string };

/**
 * The explanation in words, leading with what the detector that fired found (the range seen, the
 * level shift, the drift, the members, the persisted alarm), then the point against its expected
 * value and band. Without evidence (an event stored before the warehouse kept it) it says what the
 * detector looks for, so a drift alarm whose point sits near its expected value does not read as 0 σ alone.
 */
export function describeExplanation(p: Explained): string {
  const e = p.evidence ?? {};
  const side = p.value >= p.expected ? 'above' : 'below';
  const point = `${formatValue(p.value)} is ${Math.abs(p.deviation).toFixed(1)} σ ${side} the expected ${formatValue(p.expected)} (band ${formatValue(p.lower)} – ${formatValue(p.upper)})`;
  if (e.persisted) {
    const q = e.persisted;
    const seen = q.t !== undefined && q.value !== undefined && q.expected !== undefined && q.deviation !== undefined;
    const alarm = seen
      ? `the ${q.detector ?? ''} alarm at ${new Date(q.t!).toISOString()} (${formatValue(q.value!)}, ${Math.abs(q.deviation!).toFixed(1)} σ ${q.value! >= q.expected! ? 'above' : 'below'} the expected ${formatValue(q.expected!)})`
      : 'an earlier alarm';
    // A stored event is explained by the alarm itself (its value, expected value and deviation are
    // the alarm's): there is no later point to describe, only the alarm's band.
    const isAlarm = seen && p.value === q.value && p.expected === q.expected && p.deviation === q.deviation;
    const after = isAlarm ? `the alarm's band ${formatValue(p.lower)} – ${formatValue(p.upper)}` : `now ${point}`;
    return `persistent departure: ${alarm}, and ${q.large} of the next ${q.of} points stayed at least ${q.sigmas} σ from their expected values; ${after}`;
  }
  if (e.members && e.members.length > 0 && p.detector !== 'isolation-forest') {
    // A group's corroborated alarm: the detector's own words, then the members that alarmed together.
    const { members, ...rest } = e;
    const own = describeExplanation({ ...p, evidence: rest });
    const tail = [`; now ${point}`, `; ${point}`].find((t) => own.endsWith(t));
    const head = tail ? own.slice(0, -tail.length) : own;
    return `${head}; alarming together with the group's members, most deviant ${named(members)}; this series: ${point}`;
  }
  switch (p.detector) {
    case 'out-of-range':
      if (e.seenLow !== undefined && e.seenHigh !== undefined)
        return `out-of-range: ${formatValue(p.value)} is beyond the range seen so far, ${formatValue(e.seenLow)} – ${formatValue(e.seenHigh)}; ${point}`;
      break;
    case 'level-shift':
      if (e.levelFrom !== undefined && e.levelTo !== undefined)
        return `level-shift: the level moved from ${formatValue(e.levelFrom)} to ${formatValue(e.levelTo)} (${signed(e.levelTo - e.levelFrom)}); ${point}`;
      break;
    case 'drift':
      if (e.driftMean !== undefined && e.driftSigmas !== undefined && e.driftPoints !== undefined) {
        const over = e.driftMs !== undefined ? `${duration(e.driftMs)} (${e.driftPoints} points)` : `${e.driftPoints} points`;
        return `drift: over about the last ${over} the values ran on average ${signed(e.driftMean)} ${e.driftMean >= 0 ? 'above' : 'below'} their expected value, ${Math.abs(e.driftSigmas).toFixed(1)} σ for such a mean (a slow departure no single point shows); now ${point}`;
      }
      break;
    case 'isolation-forest':
      if (e.members && e.members.length > 0) {
        return `isolation-forest: an unusual combination of the group's members, most deviant ${named(e.members)}; this series: ${point}`;
      }
      break;
  }
  return `${GENERIC[p.detector] ?? p.detector}; ${point}`;
}

/** A group's members as the words name them: series (or place in the group) and signed deviation. */
function named(members: NonNullable<Evidence['members']>): string {
  return members.map((m) => `${m.name ?? `member ${m.index}`} ${m.deviation >= 0 ? '+' : '−'}${Math.abs(m.deviation).toFixed(1)} σ`).join(', ');
}

/** What each detector found, when its numbers were not kept. */
const GENERIC: Record<string, string> = {
  'out-of-range': 'out-of-range: a value beyond the range the series had shown',
  'level-shift': 'level-shift: the level moved and stayed',
  drift: 'drift: a slow departure, the values running to one side of their expected value for many points in a row (no single point shows it)',
  'isolation-forest': "isolation-forest: an unusual combination of the group's members",
  'robust-level': 'robust-level: far from the recent level',
  'seasonal-baseline': 'seasonal-baseline: far from what this time of day and week usually shows',
};
