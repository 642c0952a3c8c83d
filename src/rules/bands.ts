// PromQL-native adaptive bands, for users who want bands without running Sextant's scorer. Follows the
// output contract of grafana/promql-anomaly-detection (adaptive strategy): input series carry
// `anomaly_name` and `anomaly_type`; the rules record `anomaly:level`, `anomaly:upper_band` and
// `anomaly:lower_band`, so that project's dashboards and alerts work on them. Bands are the 1h mean
// plus/minus twice a 26h-smoothed, variability-filtered 1h standard deviation, never narrower than half
// the mean, and widened by the same hour one day and one week ago (the seasonal offset windows).
import { checkLabelName, renderSelector, renderSeries, RuleInputError, type Selector } from './promql.js';
import type { GeneratedRules, RecordingRule, RuleGroup, RuleTest } from './rule.js';
import { sampleLabels } from './series-sample.js';

export const ANOMALY_TYPES = ['requests', 'latency', 'errors', 'resource'] as const;

export interface BandSpec {
  /** Unique name of the banded series (anomaly_name); letters, digits and _. */
  name: string;
  type: (typeof ANOMALY_TYPES)[number];
  selector: Selector;
  /** counter: per-second rate over `rateWindow`; gauge: the value itself. */
  kind: 'counter' | 'gauge';
  /** Labels to keep (sum/avg by); the band is per combination of them. */
  by: string[];
  rateWindow: string;
}

const PREFIX = 'anomaly:adaptive:';
/** Same hour one week and one day ago, centred on now: offset by the lookback minus half the 1h window. */
const SEASONAL_OFFSETS = [
  { lookBack: '1w', offset: '167h30m' },
  { lookBack: '1d', offset: '23h30m' },
];

function inputRule(spec: BandSpec, where: string): RecordingRule {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(spec.name)) throw new RuleInputError(`${where}.name: ${JSON.stringify(spec.name)} must be letters, digits and _`);
  if (!ANOMALY_TYPES.includes(spec.type)) throw new RuleInputError(`${where}.type: must be one of ${ANOMALY_TYPES.join(', ')}`);
  const by = spec.by.map((l) => checkLabelName(l, `${where}.by`)).join(', ');
  const sel = renderSelector(spec.selector, `${where}.selector`);
  const expr = spec.kind === 'counter' ? `sum by (${by}) (rate(${sel}[${spec.rateWindow}]))` : `avg by (${by}) (${sel})`;
  return { record: `anomaly:${spec.type}:${spec.name}`, expr, labels: { anomaly_name: spec.name, anomaly_type: spec.type } };
}

const constants: RecordingRule[] = [
  // Variability filter: a 1h stddev counts only when it exceeds this share of the 1h mean.
  { record: `${PREFIX}threshold_by_covar`, expr: '0.5' },
  // Request series averaging under 5 per minute are too sparse for bands.
  { record: `${PREFIX}sparse_threshold`, expr: '5/60' },
  { record: `${PREFIX}stddev_multiplier`, expr: '2' },
  { record: `${PREFIX}margin_multiplier`, expr: '0.5' },
];

const INPUT = '{anomaly_name!="", anomaly_select="", anomaly_strategy=~"^$|adaptive"';

const shortTerm: RecordingRule[] = [
  {
    record: `${PREFIX}select`,
    expr: [
      `(\n  ${INPUT}, anomaly_type="requests"} > 0`,
      `  unless avg_over_time(${INPUT}, anomaly_type="requests"}[1h]) < on() group_left ${PREFIX}sparse_threshold\n)`,
      `or\n${INPUT}, anomaly_type!="requests"} > 0`,
    ].join('\n'),
    labels: { anomaly_select: '1', anomaly_strategy: 'adaptive' },
  },
  { record: `${PREFIX}avg_1h`, expr: `avg_over_time(${PREFIX}select[1h])` },
  {
    record: `${PREFIX}stddev_1h:filtered`,
    expr: `stddev_over_time(${PREFIX}select[1h]) > ${PREFIX}avg_1h * on() group_left ${PREFIX}threshold_by_covar`,
  },
  { record: `${PREFIX}stddev_st`, expr: `avg_over_time(${PREFIX}stddev_1h:filtered[26h])` },
  { record: 'anomaly:level', expr: `${PREFIX}select` },
  { record: 'anomaly:lower_band', expr: `clamp_min(\n${band('-', 'min', 'lower')},\n  0\n)` },
  { record: 'anomaly:upper_band', expr: band('+', 'max', 'upper') },
];

function band(sign: '+' | '-', pick: 'min' | 'max', side: 'lower' | 'upper'): string {
  const avg = `last_over_time(${PREFIX}avg_1h[2m])`;
  return [
    `${pick} without (prediction_type) (`,
    `  label_replace(${avg} ${sign} last_over_time(${PREFIX}stddev_st[2m]) * on() group_left ${PREFIX}stddev_multiplier, "prediction_type", "short_term", "", "")`,
    `  or`,
    `  label_replace(${avg} ${sign} ${avg} * on() group_left ${PREFIX}margin_multiplier, "prediction_type", "margin", "", "")`,
    `  or`,
    `  last_over_time(${PREFIX}${side}_band_lt[10m])`,
    `)`,
  ].join('\n');
}

function longTerm(sign: '+' | '-', pick: 'min' | 'max'): string {
  const parts = SEASONAL_OFFSETS.map(
    ({ lookBack, offset }) =>
      `  label_replace(\n    avg_over_time(${PREFIX}select[1h] offset ${offset})\n    ${sign} stddev_over_time(${PREFIX}select[1h] offset ${offset}) * on() group_left ${PREFIX}stddev_multiplier,\n    "look_back", "${lookBack}", "", ""\n  )`,
  );
  return `${pick} without (look_back) (\n${parts.join('\n  or\n')}\n)`;
}

export function bandRules(specs: BandSpec[]): GeneratedRules {
  if (specs.length === 0) return { groups: [], tests: [] };
  const names = new Set<string>();
  const inputs = specs.map((s, i) => {
    if (names.has(s.name)) throw new RuleInputError(`rules.bands[${i}].name: ${JSON.stringify(s.name)} is used twice`);
    names.add(s.name);
    return inputRule(s, `rules.bands[${i}]`);
  });
  const groups: RuleGroup[] = [
    { name: 'sextant-anomaly-inputs', rules: inputs },
    { name: 'AnomalyAdaptiveShortTerm', rules: [...constants, ...shortTerm] },
    {
      // The seasonal bands look far back and change slowly: a longer interval keeps them cheap.
      name: 'AnomalyAdaptiveLongTerm',
      interval: '5m',
      rules: [
        { record: `${PREFIX}upper_band_lt`, expr: longTerm('+', 'max') },
        { record: `${PREFIX}lower_band_lt`, expr: longTerm('-', 'min') },
      ],
    },
  ];
  return { groups, tests: [contractTest(specs[0]!, inputs[0]!)] };
}

/**
 * A steady gauge of 100 for two hours: level 100, and since a flat series has no variability, the
 * margin bands 50 and 150. Checks the contract's names and labels end to end.
 */
function contractTest(spec: BandSpec, input: RecordingRule): RuleTest {
  const where = 'rules.bands[0]';
  const labels = sampleLabels(spec.selector, `${where}.selector`, Object.fromEntries(spec.by.map((l) => [l, `${l}-1`])));
  const kept = Object.fromEntries(spec.by.filter((l) => labels[l] !== undefined).map((l) => [l, labels[l]!]));
  // A counter rising 6000 per minute has a rate of 100 per second.
  const values = spec.kind === 'counter' ? '0+6000x130' : '100x130';
  const out = { ...kept, ...input.labels, anomaly_select: '1', anomaly_strategy: 'adaptive' };
  const sample = (metric: string, value: number) => ({ labels: renderSeries(metric, out, where), value });
  return {
    name: `bands: ${spec.name} records anomaly:level and its bands`,
    interval: '1m',
    inputSeries: [{ series: renderSeries(spec.selector.metric, labels, where), values }],
    alertTests: [],
    exprTests: [
      { expr: `anomaly:level{anomaly_name="${spec.name}"}`, evalTime: '120m', expSamples: [sample('anomaly:level', 100)] },
      { expr: `anomaly:upper_band{anomaly_name="${spec.name}"}`, evalTime: '120m', expSamples: [sample('anomaly:upper_band', 150)] },
      { expr: `anomaly:lower_band{anomaly_name="${spec.name}"}`, evalTime: '120m', expSamples: [sample('anomaly:lower_band', 50)] },
    ],
  };
}
