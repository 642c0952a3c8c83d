// Turns at writing ingest windows: the scheduled ingest job and API backfills take one at a time, so
// a backfill never writes a dataset's window while the ingest job is fetching or writing the same
// dataset. Each takes the turn for short stretches (an ingest run; one backfill window), so neither
// starves the other: live ingest keeps up while a long backfill runs.
import type { Job } from './job.js';

export interface WriteTurns {
  /** Runs `work` once every earlier turn has ended (in order of arrival), whatever they threw. */
  take<T>(work: () => Promise<T>): Promise<T>;
}

export function createWriteTurns(): WriteTurns {
  let last: Promise<unknown> = Promise.resolve();
  return {
    take<T>(work: () => Promise<T>): Promise<T> {
      const turn = last.then(work, work);
      last = turn.catch(() => undefined);
      return turn;
    },
  };
}

/** `job` with each run taken as one turn. */
export function takingTurns(job: Job, turns: WriteTurns): Job {
  return { ...job, run: (signal) => turns.take(() => job.run(signal)) };
}
