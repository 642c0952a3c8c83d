export * from './analysis.js';
export * from './demo.js';
