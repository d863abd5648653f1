import { apiTokenRepositoryContract } from '../contract/api-token-repository.contract.js';
import { auditRepositoryContract } from '../contract/audit-repository.contract.js';
import { deviceRepositoryContract } from '../contract/device-repository.contract.js';
import { enrollmentTokenRepositoryContract } from '../contract/enrollment-token-repository.contract.js';
import { groupSafetyRepositoryContract } from '../contract/group-safety-repository.contract.js';
import { inventoryRepositoryContract } from '../contract/inventory-repository.contract.js';
import { storeContract } from '../contract/store.contract.js';
import { openTempStore } from '../../testing/temp-store.js';

// Every repository contract, run against SQLite in a temp file. A PostgreSQL store runs the same
// suites with its own `open`.
const open = openTempStore;

storeContract('sqlite', open);
deviceRepositoryContract('sqlite', open);
inventoryRepositoryContract('sqlite', open);
enrollmentTokenRepositoryContract('sqlite', open);
apiTokenRepositoryContract('sqlite', open);
auditRepositoryContract('sqlite', open);
groupSafetyRepositoryContract('sqlite', open);
