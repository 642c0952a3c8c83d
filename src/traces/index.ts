export * from './span.js';
export * from './quantile.js';
export * from './sampling.js';
export * from './aggregate.js';
