export * from './group-by.js';
export * from './string-table.js';
