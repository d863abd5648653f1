import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The operator console. Preact through Vite's own JSX transform (Oxc, automatic runtime): no
 * framework plugin is needed to build, and the output is plain ES modules with no inline script
 * or style, so a strict Content-Security-Policy (`script-src 'self'; style-src 'self'`) holds.
 * `pnpm --filter @patchwave/server ui:dev` serves it with the API proxied to a running server.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Chromium, Firefox and Safari of the last years support modulepreload; no polyfill script.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs into the bundle; files are served by the server.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/api': process.env['PATCHWAVE_SERVER_URL'] ?? 'http://127.0.0.1:8080' },
  },
});
