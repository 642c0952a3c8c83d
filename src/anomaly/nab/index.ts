export * from './profiles.js';
export * from './score.js';
export * from './timestamp.js';
