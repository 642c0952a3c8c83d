// A store's answers to requests, kept in memory until the store's next committed write. The jobs
// compute predictions, recommendations and anomaly events every few seconds to minutes, and requests
// read them many times in between: each such read took a reading connection and DuckDB's threads
// from the jobs' reads and writes (bench/results/soak.md), for an answer that had not changed.
//
// Exact only where this process is the tables' one writer (DuckDB: one process per file): a write
// tells the memo after it commits (`changed`), which forgets every answer, so the next call reads
// again and sees the write. Answers asked for since the previous change are read again at once, as
// requests' reads (before the jobs' ones), so a request seldom waits for that read. At most
// `maxAnswers` answers are kept (the oldest goes first).
import { asRequest } from './reader-pool.js';

interface Answer {
  value: Promise<unknown>;
  read: () => Promise<unknown>;
  /** Asked for since it was read: read again after the next change. */
  asked: boolean;
}

export class CommitMemo {
  private readonly answers = new Map<string, Answer>();

  constructor(private readonly maxAnswers = 32) {}

  /** The answer of `read` for `key`, read only if no answer was read since the last change. */
  get<T>(key: string, read: () => Promise<T>): Promise<T> {
    const known = this.answers.get(key);
    if (known) {
      known.asked = true;
      return known.value as Promise<T>;
    }
    return this.start(key, read, true).value as Promise<T>;
  }

  /** After a commit that may change the answers: forgets them, and reads again those asked for since. */
  changed(): void {
    const again = [...this.answers].filter(([, answer]) => answer.asked);
    this.answers.clear();
    for (const [key, answer] of again) this.start(key, answer.read, false);
  }

  private start(key: string, read: () => Promise<unknown>, asked: boolean): Answer {
    if (this.answers.size >= this.maxAnswers) this.answers.delete(this.answers.keys().next().value!);
    const answer: Answer = { value: asRequest(read), read, asked };
    this.answers.set(key, answer);
    // A failed read is not kept: the next call tries again (the caller of this one gets the error).
    answer.value.catch(() => {
      if (this.answers.get(key) === answer) this.answers.delete(key);
    });
    return answer;
  }
}
