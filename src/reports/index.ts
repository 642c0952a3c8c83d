export * from './period.js';
export * from './tables.js';
export * from './report.js';
export * from './build.js';
export * from './summary.js';
export * from './comparison.js';
