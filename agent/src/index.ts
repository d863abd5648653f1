/** @patchwave/agent: the CLI entry and the pieces other packages (tests, scripts) build on. */
export { main } from './cli/main.js';
export { AGENT_VERSION } from './version.js';
export { loadConfig, type AgentConfig } from './config/load.js';
export { AgentConnection, type AgentConnectionOptions } from './connection/agent-connection.js';
export { Backoff } from './connection/backoff.js';
export { ManualClock, SystemClock, type Clock } from './connection/clock.js';
export { collectInventory } from './inventory/collect.js';
export { collectFacts } from './inventory/facts.js';
export { inventoryHash } from './inventory/hash.js';
export { ADAPTERS, type AdapterModule } from './pkg/registry.js';
export { probeHost } from './pkg/host-probe.js';
export { StateStore } from './state/state-store.js';
