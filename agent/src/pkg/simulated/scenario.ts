import fs from 'node:fs';
import { ERROR_CODES, PatchwaveError, Severity } from '@patchwave/shared';
import { z } from 'zod';

/**
 * A scenario file drives the simulated package manager: which packages exist, which versions the
 * simulated repository offers, what fails and how, how long things take, when the host needs a
 * reboot, and whether the agent crashes in the middle of an apply. Strict: an unknown key is a
 * typo and is refused.
 */

const Name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9+._:-]{0,127}$/, 'package names are 1-128 letters, digits and + . _ : - (no leading symbol)');
const Version = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9+.~:_-]{0,127}$/, 'versions are 1-128 letters, digits and + . ~ : _ -');
const Ms = (what: string) => z.number().int(`${what} must be a whole number of milliseconds`).min(0, `${what} must be 0 or more`).max(3_600_000);

export const SimulatedPackage = z.strictObject({
  name: Name,
  arch: z.string().regex(/^[A-Za-z0-9_]{1,32}$/, 'arch is 1-32 letters, digits or _').default('all'),
  /** Installed when the simulated host is first created; null: not installed. */
  installed: Version.nullable().default(null),
  /** Versions the simulated repository has, oldest first; the last one is the candidate. */
  versions: z.array(Version).min(1, 'give at least one version').max(100),
  security: z.boolean().default(false),
  severity: Severity.optional(),
  advisories: z.array(z.string().min(1).max(128)).max(100).default([]),
  cves: z.array(z.string().regex(/^CVE-\d{4}-\d{4,}$/, 'CVE ids look like CVE-2024-3094')).max(100).default([]),
  /** Installing any version of it makes the host need a reboot. */
  rebootRequired: z.boolean().default(false),
  title: z.string().max(1024).optional(),
});
export type SimulatedPackage = z.infer<typeof SimulatedPackage>;

export const SimulatedFailure = z.strictObject({
  package: Name,
  /** Only when installing this version; absent: any version. */
  version: Version.optional(),
  /** Which operation fails. */
  during: z.enum(['apply', 'rollback', 'any']).default('apply'),
  exitCode: z.number().int().min(1, 'exitCode must be 1-255').max(255, 'exitCode must be 1-255'),
  errorCode: z.enum(ERROR_CODES).default('E_PKG_SCRIPT_FAILED'),
  message: z.string().max(1024).default('simulated failure'),
  /** Fail only the first N attempts, then succeed (a flaky mirror); absent: always. */
  times: z.number().int().min(1).optional(),
});
export type SimulatedFailure = z.infer<typeof SimulatedFailure>;

export const Scenario = z
  .strictObject({
    name: z.string().min(1).max(128).default('simulated'),
    packages: z.array(SimulatedPackage).max(10_000),
    failures: z.array(SimulatedFailure).max(1000).default([]),
    delays: z
      .strictObject({
        listMs: Ms('delays.listMs').default(0),
        planMs: Ms('delays.planMs').default(0),
        perPackageMs: Ms('delays.perPackageMs').default(0),
      })
      .default({ listMs: 0, planMs: 0, perPackageMs: 0 }),
    /** Crash the agent (once per state directory) after this many packages of an apply are installed. */
    crash: z.strictObject({ afterPackages: z.number().int().min(0) }).optional(),
    canRollback: z.boolean().default(true),
    knowsSecurity: z.boolean().default(true),
    /** The host needs a reboot from the start. */
    rebootRequired: z.boolean().default(false),
  })
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    s.packages.forEach((p, i) => {
      const key = `${p.name}:${p.arch}`;
      const first = seen.get(key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['packages', i, 'name'], message: `"${p.name}" (${p.arch}) is already packages.${first}` });
      else seen.set(key, i);
      if (p.installed !== null && !p.versions.includes(p.installed)) {
        ctx.addIssue({ code: 'custom', path: ['packages', i, 'installed'], message: `version "${p.installed}" is not in versions (${p.versions.join(', ')})` });
      }
      if (new Set(p.versions).size !== p.versions.length) ctx.addIssue({ code: 'custom', path: ['packages', i, 'versions'], message: 'versions repeat' });
    });
    s.failures.forEach((f, i) => {
      const pkg = s.packages.find((p) => p.name === f.package);
      if (!pkg) ctx.addIssue({ code: 'custom', path: ['failures', i, 'package'], message: `"${f.package}" is not one of the scenario's packages` });
      else if (f.version && !pkg.versions.includes(f.version)) {
        ctx.addIssue({ code: 'custom', path: ['failures', i, 'version'], message: `"${f.package}" has no version "${f.version}" (${pkg.versions.join(', ')})` });
      }
    });
  });
export type Scenario = z.infer<typeof Scenario>;

/** Validates scenario JSON text; every problem is named with its path. */
export function parseScenario(text: string, source: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PatchwaveError('E_CONFIG_INVALID', `simulated scenario ${source} is not JSON: ${(err as Error).message}`);
  }
  const res = Scenario.safeParse(raw);
  if (!res.success) {
    const problems = res.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(scenario)'}: ${i.message}`);
    throw new PatchwaveError('E_CONFIG_INVALID', `simulated scenario ${source} is invalid: ${problems.join('; ')}`, { details: { problems } });
  }
  return res.data;
}

/** Reads and validates a scenario file (at agent start, so a bad file stops the agent at once). */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new PatchwaveError('E_CONFIG_INVALID', `simulated scenario ${file} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  return parseScenario(text, file);
}
