/**
 * One span as Sextant needs it, whatever the tracing backend's format: who did what, when, for how
 * long, whether it failed, and how likely it was to be kept by sampling.
 */
export interface SpanRecord {
  traceId: string;
  service: string;
  operation: string;
  /** Start, Unix milliseconds (fractions allowed). */
  startMs: number;
  durationMs: number;
  error: boolean;
  /**
   * Probability in (0, 1] that the span's trace was kept by sampling; each kept span stands for
   * 1/p spans that happened. 1 when the trace was not sampled or the probability is unknown.
   */
  samplingProbability: number;
}
