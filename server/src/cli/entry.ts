import { runCli } from './main.js';

// The `patchwave` binary (bin/patchwave.js imports this file, compiled or through tsx).
process.exitCode = await runCli(process.argv.slice(2));
