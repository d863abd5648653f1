/** The agent's version; kept equal to agent/package.json by version.test.ts (no JSON import, so it bundles). */
export const AGENT_VERSION = '0.1.0';
