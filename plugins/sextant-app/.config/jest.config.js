/*
 * create-plugin's jest configuration, with one addition: d3-color and friends ship `.mjs` files,
 * which need the same swc transform as the sources.
 */
const path = require('path');
const { grafanaESModules, nodeModulesToTransform } = require('./jest/utils');

// Snapshots and date formatting must not depend on the machine's time zone.
process.env.TZ = 'UTC';

const swc = [
  '@swc/jest',
  {
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
    },
  },
];

module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  moduleNameMapper: {
    '\\.(css|scss|sass)$': 'identity-obj-proxy',
    'react-inlinesvg': path.resolve(__dirname, 'jest', 'mocks', 'react-inlinesvg.tsx'),
  },
  modulePaths: ['<rootDir>/src'],
  setupFilesAfterEnv: [path.resolve(__dirname, 'jest-setup.js')],
  testEnvironment: 'jest-environment-jsdom',
  testMatch: ['<rootDir>/src/**/*.test.{ts,tsx}'],
  transform: {
    '^.+\\.(t|j)sx?$': swc,
    '^.+\\.mjs$': swc,
  },
  transformIgnorePatterns: [nodeModulesToTransform(grafanaESModules)],
  watchPathIgnorePatterns: ['<rootDir>/node_modules', '<rootDir>/dist'],
};
