import { z } from 'zod';
import { duration } from '../fields.js';

export const ingestSection = z
  .strictObject({
    /** Time between the end of one ingest run and the start of the next. */
    interval: duration().prefault('1m'),
    /** Resolution of ingested points, for datasets that do not set their own step. */
    step: duration().prefault('1m'),
    /** How far behind now ingest stays, so Prometheus has finished scraping the window. */
    delay: duration(0).prefault('1m'),
    /** History pulled on the first run of a dataset (no watermark yet). */
    initialLookback: duration().prefault('1d'),
    /** Longest window fetched and committed in one piece; catching up proceeds chunk by chunk. */
    chunk: duration().prefault('6h'),
    /** Longest range one backfill may cover: `{"from": 0}` would otherwise plan tens of thousands of windows. */
    maxBackfill: duration().prefault('400d'),
  })
  .prefault({});

export type IngestConfig = z.output<typeof ingestSection>;
