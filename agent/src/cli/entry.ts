import { main } from './main.js';

// The executable's entry point: an async main() and no top-level await, so esbuild can bundle it
// to one CommonJS file for a Node single executable application.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`patchwave-agent: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
