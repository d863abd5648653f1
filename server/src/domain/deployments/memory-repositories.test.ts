import { memoryDeploymentRepositories } from './memory-repositories.js';
import { describeDeploymentRepositoriesContract } from './repository-contract.js';

describeDeploymentRepositoriesContract('memory', async () => ({ repos: memoryDeploymentRepositories() }));
