export * from './series.js';
export * from './frame.js';
export * from './query.js';
export * from './series-columns.js';
