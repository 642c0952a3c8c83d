// The core's traceSeries over many windows, a piece at a time with a turn for the event loop between
// pieces: a day of the demo's spans (an ingest chunk) is about a second of work in one go.
import { seriesKey, type Series } from '@sextant/core';
import { traceSeries, type ServiceWindow } from '@sextant/core/traces';
import { yieldToEventLoop } from '../event-loop.js';

/** Spans aggregated per piece: tens of milliseconds of work. */
const PIECE_SPANS = 20_000;

/**
 * The same series as `traceSeries(windows)`. Pieces are runs of consecutive windows, so when the
 * windows come in time order per service (as the sources build them), each series' samples stay in
 * time order; they are sorted again if not.
 */
export async function traceSeriesInPieces(windows: readonly ServiceWindow[], pieceSpans = PIECE_SPANS): Promise<Series[]> {
  const merged = new Map<string, Series>();
  let unordered = false;
  let start = 0;
  while (start < windows.length) {
    let end = start;
    let spans = 0;
    while (end < windows.length && (end === start || spans + windows[end]!.spans.length <= pieceSpans)) spans += windows[end++]!.spans.length;
    for (const piece of traceSeries(windows.slice(start, end))) {
      const key = seriesKey(piece.labels);
      const series = merged.get(key);
      if (!series) {
        merged.set(key, piece);
        continue;
      }
      if (piece.samples[0] && series.samples.length && piece.samples[0].t < series.samples[series.samples.length - 1]!.t) unordered = true;
      for (const sample of piece.samples) series.samples.push(sample);
    }
    start = end;
    await yieldToEventLoop();
  }
  if (unordered) for (const series of merged.values()) series.samples.sort((a, b) => a.t - b.t);
  return [...merged.values()];
}
