export * from './analysis.js';
export * from './demo.js';
export * from './series.js';
export * from './instance-columns.js';
