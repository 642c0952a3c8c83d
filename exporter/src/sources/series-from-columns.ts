// Series from the columns a worker thread computed, a few at a time with a turn for the event loop
// between them (a day of a hundred series is 100,000 sample objects to build).
import { fromColumns, type Series, type SeriesColumns } from '@sextant/core';
import { yieldToEventLoop } from '../event-loop.js';

const SAMPLES_PER_TURN = 20_000;

export async function seriesFromColumns(columns: readonly SeriesColumns[]): Promise<Series[]> {
  const series: Series[] = [];
  let built = 0;
  for (const c of columns) {
    series.push(fromColumns(c));
    built += c.t.length;
    if (built >= SAMPLES_PER_TURN) {
      built = 0;
      await yieldToEventLoop();
    }
  }
  return series;
}
