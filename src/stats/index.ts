export * from './normal.js';
export * from './robust-level.js';
export * from './seasonal-profile.js';
export * from './random.js';
export * from './period.js';
export * from './lookup-table.js';
