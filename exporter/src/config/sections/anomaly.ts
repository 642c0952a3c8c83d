import { DEFAULT_EVENT_OPTIONS } from '@sextant/core/anomaly';
import { z } from 'zod';
import { duration, integer } from '../fields.js';

export const anomalySection = z
  .strictObject({
    /**
     * An anomaly event opens at the first point whose score reaches this: 0.8, where severity
     * "high" starts (a 1-in-10^8 stretch for the series); lower-scoring alarms are marked, not raised.
     */
    eventThreshold: z.number().gt(0).max(1).describe('a score between 0 and 1 such as 0.8').default(DEFAULT_EVENT_OPTIONS.threshold),
    /** Alarms less than this apart belong to the same event. */
    eventMergeGap: duration().prefault('30m'),
    /** Series of one service or host are scored together up to this many; 0 scores every series alone. */
    maxGroupSize: integer(0, 256).default(32),
  })
  .prefault({});

export type AnomalyConfig = z.output<typeof anomalySection>;
