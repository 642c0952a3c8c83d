// Argument checks every warehouse engine makes before it touches its tables.
import type { TimeRange } from '@sextant/core';
import { STORAGE_LEVELS } from './levels.js';
import type { StorageLevel } from './warehouse.js';

export function checkName(value: unknown, what: string): void {
  if (typeof value !== 'string' || value === '') throw new Error(`${what}: expected a non-empty string, got ${JSON.stringify(value)}`);
}

export function checkRange(range: TimeRange, where: string): void {
  if (!range || !Number.isFinite(range.start) || !Number.isFinite(range.end) || range.start >= range.end) {
    throw new Error(`${where}: expected a time range with start < end in Unix ms, got ${JSON.stringify(range)}`);
  }
}

export function checkRetention(retentionMs: Record<StorageLevel, number>): void {
  for (const level of STORAGE_LEVELS) {
    const ms = retentionMs[level];
    if (!Number.isFinite(ms) || ms <= 0) throw new Error(`warehouse retention for ${level}: expected a positive duration in ms, got ${ms}`);
  }
}

export function checkLevel(level: StorageLevel, where: string): void {
  if (!STORAGE_LEVELS.includes(level)) throw new Error(`${where}: unknown level "${String(level)}"; expected one of ${STORAGE_LEVELS.join(', ')}`);
}
