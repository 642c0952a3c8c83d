export * from './incidents.js';
export * from './scenario.js';
export { traffic, dayOfWeek } from './seasonality.js';
