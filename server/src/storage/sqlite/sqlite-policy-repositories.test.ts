import { policyRepositoriesContract } from '../contract/policy-repositories.contract.js';
import { openTempStore } from '../../testing/temp-store.js';

// The policy repositories' contract against SQLite in a temp file (a PostgreSQL store runs the same suite).
policyRepositoriesContract('sqlite', openTempStore);
