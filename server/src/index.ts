// Public surface of @patchwave/server for the CLI, end-to-end tests and tools.
export { buildApp } from './app.js';
export type { AppDeps } from './app.js';
export { ConfigError, databaseFile, defaultDataDir, loadConfig, ServerConfig } from './config.js';
export type { ConfigFlags } from './config.js';
export { startServer } from './server.js';
export type { RunningServer, StartOptions } from './server.js';
export { createLogger } from './logger.js';
export { runCli } from './cli/main.js';
export { openSqliteStore } from './storage/sqlite/sqlite-store.js';
export type { SqliteStore } from './storage/sqlite/sqlite-store.js';
export type { Store, Repositories } from './domain/store.js';
export type { Clock } from './domain/clock.js';
export { ManualClock, systemClock } from './domain/clock.js';
export type { RouteAccess, RouteEntry } from './http/fastify-types.js';
export { SERVER_VERSION } from './version.js';
