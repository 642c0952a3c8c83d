/** A scheduled stage of the service (ingest, rollup, retention, score, ...). */
export interface Job {
  name: string;
  /** Time between the end of one run and the start of the next. */
  intervalMs: number;
  /** One run. Must stop early and cleanly when `signal` aborts, leaving nothing half-written. */
  run(signal: AbortSignal): Promise<void>;
}
