export * from './linear.js';
export * from './seasonal.js';
export * from './time-to-threshold.js';
