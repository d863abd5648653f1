export * from './config-error.js';
export * from './defaults.js';
export * from './duration.js';
export * from './load.js';
export * from './schema.js';
