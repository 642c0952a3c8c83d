/**
 * Which line of a file each record starts on, kept as the points where `line - record` changes
 * (a blank line, a quoted field spanning lines): nothing per record in the usual file.
 */
export class LineMap {
  private readonly records: number[] = [];
  private readonly offsets: number[] = [];

  /** Record `record` (0-based) starts on line `line` (1-based). Records must come in order. */
  note(record: number, line: number): void {
    const offset = line - record;
    if (this.offsets[this.offsets.length - 1] !== offset) {
      this.records.push(record);
      this.offsets.push(offset);
    }
  }

  lineOf(record: number): number {
    let lo = 0;
    let hi = this.records.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.records[mid]! <= record) lo = mid;
      else hi = mid - 1;
    }
    return record + (this.offsets[lo] ?? 1);
  }
}
