export * from './series.js';
export * from './frame.js';
export * from './query.js';
