/**
 * Distinct strings, each numbered once in order of first sight: a column of numbers into `names`
 * carries a string column to a worker thread as a transferable typed array.
 */
export class StringTable {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  /** The string's number, given it on first sight. */
  indexOf(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.push(name) - 1;
      this.index.set(name, i);
    }
    return i;
  }
}
