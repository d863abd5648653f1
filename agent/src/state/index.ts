export * from './atomic-file.js';
export * from './layout.js';
export * from './state-store.js';
export * from './state-lock.js';
