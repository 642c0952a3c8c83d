// The score job's gauges: each scored series' latest score, value, level and band, with the
// series' labels. A replica exports only its own share; it removes a series it no longer scores
// only if it had exported it (each run sees every other replica's series, and re-keying their
// labels each run to delete what is not there cost as much as exporting its own).
import type { ScoredPoint } from '@sextant/core/anomaly';
import type { Labels } from '@sextant/core';
import type { SeriesFamilies, SeriesGaugeFamily } from '../metrics/series-gauge-family.js';

/** The value of `sextant_detector` on the exported gauges: the ensemble of all channels. */
const DETECTOR_LABEL = 'ensemble';

/** A scored series: where it comes from and its labels. */
export interface ExportedSeries {
  dataset: string;
  seriesId: number;
  labels: Labels;
}

export class ScoreGauges {
  private readonly families: Record<'score' | 'value' | 'level' | 'upper' | 'lower', SeriesGaugeFamily>;
  /** tenant, dataset and series id of every series exported now. */
  private readonly exported = new Set<string>();

  constructor(families: SeriesFamilies) {
    this.families = {
      score: families.gauge('sextant_anomaly_score', 'Anomaly score of the series latest point, in [0,1] (calibrated anomaly likelihood).'),
      value: families.gauge('sextant_anomaly_value', 'Value of the series at its latest scored point (what the band is for).'),
      level: families.gauge('sextant_anomaly_level', 'Expected value of the series at its latest point.'),
      upper: families.gauge('sextant_anomaly_upper_band', 'Upper edge of the band of normal values at the latest point.'),
      lower: families.gauge('sextant_anomaly_lower_band', 'Lower edge of the band of normal values at the latest point.'),
    };
  }

  /** Exports `p` as the series' latest point. */
  set(tenant: string, s: ExportedSeries, p: ScoredPoint): void {
    const labels = exportedLabels(s.labels, tenant, s.dataset);
    this.families.score.set(labels, p.score);
    this.families.value.set(labels, p.value);
    this.families.level.set(labels, p.expected);
    this.families.upper.set(labels, p.upper);
    this.families.lower.set(labels, p.lower);
    this.exported.add(key(tenant, s));
  }

  /** Stops exporting the series (another replica scores it now), if it was exported. */
  remove(tenant: string, s: ExportedSeries): void {
    if (!this.exported.delete(key(tenant, s))) return;
    const labels = exportedLabels(s.labels, tenant, s.dataset);
    for (const family of Object.values(this.families)) family.delete(labels);
  }
}

const key = (tenant: string, s: ExportedSeries): string => `${tenant}\u0000${s.dataset}\u0000${s.seriesId}`;

/** The input series' labels (`__name__` as `sextant_metric`) plus where they come from and the detector. */
function exportedLabels(labels: Labels, tenant: string, dataset: string): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (!k.startsWith('__')) out[k] = v;
  if (labels.__name__ !== undefined) out.sextant_metric = labels.__name__;
  out.sextant_dataset = dataset;
  out.sextant_tenant = tenant;
  out.sextant_detector = DETECTOR_LABEL;
  return out;
}
