export { ConfigError } from './errors.js';
export { CONFIG_FILE_VARIABLE, envName } from './env.js';
export { configFileFrom, DEFAULT_CONFIG_FILE, dumpConfig, loadConfig, parseConfig, type Env } from './load.js';
export { configSchema, sections, type Config } from './schema.js';
export { Secret } from './secret.js';
export { formatDuration, parseDuration } from './duration.js';
