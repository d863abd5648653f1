export * from './admission.js';
export * from './boot-id.js';
export * from './cron.js';
export * from './job-executor.js';
export * from './job-store.js';
export * from './journal-file.js';
export * from './journal-records.js';
export * from './rebooter.js';
