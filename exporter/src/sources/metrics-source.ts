import type { Series, TimeRange } from '@sextant/core';

/** A dataset as declared in config: a PromQL expression and the labels kept from its result. */
export interface DatasetDefinition {
  name: string;
  tenant: string;
  query: string;
  keepLabels: string[];
  stepMs: number;
}

/** Where metric history comes from: a real Prometheus, or the built-in demo. */
export interface MetricsSource {
  readonly name: string;
  /**
   * The dataset's series over [range.start, range.end) at its step, each series' labels reduced to
   * `keepLabels`. Implementations split the range as their backend requires and throw
   * `SourceError` with a clear reason when the backend is down, slow or answers garbage.
   */
  queryRange(dataset: DatasetDefinition, range: TimeRange, signal?: AbortSignal): Promise<Series[]>;
}

export class SourceError extends Error {
  constructor(
    readonly source: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(`${source}: ${message}`);
    this.name = 'SourceError';
  }
}
