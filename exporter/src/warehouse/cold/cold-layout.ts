// Where the cold tier keeps its files: beside the warehouse file, in <file>.cold/<level>/, one
// Parquet file per UTC day named by its date. Names are derived from (level, day) alone, so the
// manifest needs no path and a leftover file is recognised by its name.
import { resolve, join } from 'node:path';
import type { StorageLevel } from '../warehouse.js';

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.parquet$/;
export const TEMP_SUFFIX = '.tmp';

export class ColdLayout {
  constructor(readonly dir: string) {}

  /** The layout beside a warehouse file; undefined for an in-memory warehouse, which has no cold tier. */
  static beside(warehousePath: string): ColdLayout | undefined {
    if (warehousePath === ':memory:' || warehousePath === '') return undefined;
    return new ColdLayout(`${resolve(warehousePath)}.cold`);
  }

  levelDir(level: StorageLevel): string {
    return join(this.dir, level);
  }

  file(level: StorageLevel, day: number): string {
    return join(this.levelDir(level), `${new Date(day).toISOString().slice(0, 10)}.parquet`);
  }

  /** The day a file name of a level's folder holds, or undefined when it is not a day file. */
  dayOf(name: string): number | undefined {
    const match = DAY_FILE.exec(name);
    if (!match) return undefined;
    const day = Date.parse(`${match[1]}T00:00:00Z`);
    return Number.isFinite(day) ? day : undefined;
  }
}
