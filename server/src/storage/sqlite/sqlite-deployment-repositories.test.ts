import { describeDeploymentRepositoriesContract } from '../../domain/deployments/repository-contract.js';
import { openTempStore } from '../../testing/temp-store.js';

// The deployment ports' contract (the same suite the in-memory reference passes), against SQLite
// in a temp file.
describeDeploymentRepositoriesContract('sqlite', async () => {
  const temp = await openTempStore();
  return { repos: temp.store, close: () => temp.cleanup() };
});
