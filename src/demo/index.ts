export * from './incidents.js';
export * from './scenario.js';
export { traffic, dayOfWeek } from './seasonality.js';
export * from './requests.js';
export * from './logs.js';
export * from './traces.js';
export * from './business.js';
export * from './columns.js';
