/** What `/` shows when the console was not built: a static page (no script, no inline style). */
export function notBuiltPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>patchwave: console not built</title></head>
<body>
<main>
<h1>The patchwave console is not built</h1>
<p>The server is running: the REST API is under <a href="/api/v1/devices">/api/v1</a> and its documentation under <a href="/docs">/docs</a>.
The web console's files (<code>server/ui/dist</code>) were not found.</p>
<p>Build it from the repository root with</p>
<pre>pnpm install</pre>
<p>(which builds the console after installing the dependencies), or on its own with</p>
<pre>pnpm --filter @patchwave/server ui:build</pre>
<p>then reload this page; the server does not need a restart.</p>
</main>
</body>
</html>
`;
}
