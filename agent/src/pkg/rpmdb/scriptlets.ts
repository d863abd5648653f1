import { parseNevra } from './nevra.js';

/** A scriptlet rpm reported as failed, by package name. */
export interface ScriptletFailure {
  name: string;
  /** rpm's name for it: PREIN, POSTIN, PREUN, POSTUN, PRETRANS, POSTTRANS, … */
  scriptlet: string;
  /** Fatal scriptlets (%pre, %pretrans) stop the package from being installed. */
  fatal: boolean;
  message: string;
}

const ALIASES: Record<string, string> = {
  pre: 'PREIN',
  prein: 'PREIN',
  post: 'POSTIN',
  postin: 'POSTIN',
  preun: 'PREUN',
  postun: 'POSTUN',
  pretrans: 'PRETRANS',
  posttrans: 'POSTTRANS',
};

const FATAL = new Set(['PREIN', 'PRETRANS']);

/**
 * Scriptlet failures in the output of anything that drives rpm (dnf, yum, zypper): dnf4/yum's
 * `Error in PREIN scriptlet in rpm package X` and `Non-fatal POSTIN scriptlet failure in rpm
 * package X`, rpm's own `%post(X) scriptlet failed, exit status N`, and rpm's Lua errors
 * `lua script failed: [string "%prein(X)"]`. One entry per package and scriptlet.
 */
export function findScriptletFailures(text: string): ScriptletFailure[] {
  const found = new Map<string, ScriptletFailure>();
  const add = (pkg: string, tag: string, fatalHint: boolean | undefined, message: string): void => {
    const scriptlet = ALIASES[tag.toLowerCase()] ?? tag.toUpperCase();
    const name = parseNevra(pkg)?.name ?? pkg;
    const key = `${name}\u0000${scriptlet}`;
    if (!found.has(key)) found.set(key, { name, scriptlet, fatal: fatalHint ?? FATAL.has(scriptlet), message: message.trim().slice(0, 500) });
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    let m = /Error in (\w+) scriptlet in rpm package (\S+)/.exec(line);
    if (m?.[1] && m[2]) add(m[2], m[1], undefined, line);
    m = /Non-fatal (\w+) scriptlet failure in rpm package (\S+)/.exec(line);
    if (m?.[1] && m[2]) add(m[2], m[1], false, line);
    m = /%(\w+)\(([^)\s]+)\) scriptlet failed/.exec(line);
    if (m?.[1] && m[2]) add(m[2], m[1], undefined, line);
    m = /lua script failed: \[string "%(\w+)\(([^)\s]+)\)"\]/.exec(line);
    if (m?.[1] && m[2]) add(m[2], m[1], undefined, line);
  }
  return [...found.values()];
}
