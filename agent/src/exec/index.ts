export * from './command-runner.js';
export * from './execa-runner.js';
export * from './replay-runner.js';
