// Ids and versions that increase within a process and stay close to the clock, for engines without
// sequences (ClickHouse): each is above the one before and at least now x 1000, so ids from a
// restarted process still sort after the earlier process's.

export class IncreasingIds {
  private last = 0;

  constructor(private readonly now: () => number = Date.now) {}

  next(): number {
    this.last = Math.max(this.last + 1, this.now() * 1000);
    return this.last;
  }
}
