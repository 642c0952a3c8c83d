export * from './explanation.js';
export * from './likelihood.js';
export * from './severity.js';
export * from './univariate.js';
export * from './nab/index.js';
export * from './batch.js';
export * from './csv.js';
