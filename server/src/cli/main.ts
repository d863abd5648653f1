import { ApiError } from './api-client.js';
import type { ServerCommandHooks } from './commands/server.js';
import type { Io } from './output.js';
import { processIo } from './output.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './usage-error.js';
import { SERVER_VERSION } from '../version.js';

export const HELP = `patchwave ${SERVER_VERSION} — operator CLI of the patchwave patch management server

  patchwave server start|cert|admin-token run the server / make a TLS certificate / recover an admin token
  patchwave login --server URL --token T  remember where and as whom to connect
  patchwave logout
  patchwave token create|list|revoke      enrollment tokens
  patchwave devices list|show|update      enrolled devices
  patchwave audit verify|export           the hash-chained audit log
  patchwave user create|list|disable|enable|set-role|reset-password   operator accounts
  patchwave api-token create|list|revoke  API tokens for scripts and the CLI
  patchwave signing-key list|rotate|revoke   the server's job-signing keys
  patchwave deploy create|plan|approve|start|pause|resume|abort|rollback|status|list|devices
                                          deployments in gated waves
  patchwave policy create|list|show|pause|resume|run-now|history|delete
                                          patch policies: scheduled deployments with deferral and auto-approval
  patchwave group safety show|set|clear   per-group holds, health probes and pre-flight checks
  patchwave feeds import|status|imports|refresh   vulnerability feeds (OSV, CISA KEV, EPSS)
  patchwave advisories show <id>          one advisory with its provenance
  patchwave findings list|show|accept-risk|revoke-exception|not-affected   findings ranked by risk
  patchwave compliance summary            coverage, time to patch, SLA attainment
  patchwave report compliance --format json|csv|pdf [--out FILE]   the auditors' report
  patchwave catalog                       available updates across the fleet and what they fix
  patchwave selections resolve            "fixes KEV/P1/CVE-X findings" → package@version per device

Commands that talk to a server take --server URL (or PATCHWAVE_SERVER_URL) and --token TOKEN
(or PATCHWAVE_API_TOKEN), else use the "patchwave login" file; --json prints JSON for scripts.
Exit codes: 0 ok, 1 the operation failed, 2 bad usage or configuration.
`;

/** Runs one CLI invocation; returns the exit code. */
export async function runCli(argv: string[], io: Io = processIo, hooks: ServerCommandHooks = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      // Commands load lazily: a REST command need not load the server (fastify, SQLite).
      case 'server':
        return await (await import('./commands/server.js')).serverCommand(rest, io, hooks);
      case 'token':
        return await (await import('./commands/token.js')).tokenCommand(rest, io);
      case 'devices':
        return await (await import('./commands/devices.js')).devicesCommand(rest, io);
      case 'audit':
        return await (await import('./commands/audit.js')).auditCommand(rest, io);
      case 'user':
        return await (await import('./commands/users.js')).userCommand(rest, io);
      case 'api-token':
        return await (await import('./commands/api-tokens.js')).apiTokenCommand(rest, io);
      case 'signing-key':
        return await (await import('./commands/signing-keys.js')).signingKeyCommand(rest, io);
      case 'deploy':
        return await (await import('./commands/deploy.js')).deployCommand(rest, io);
      case 'policy':
        return await (await import('./commands/policy.js')).policyCommand(rest, io);
      case 'group':
        return await (await import('./commands/group-safety.js')).groupCommand(rest, io);
      case 'feeds':
        return await (await import('./commands/feeds.js')).feedsCommand(rest, io);
      case 'advisories':
        return await (await import('./commands/feeds.js')).advisoriesCommand(rest, io);
      case 'findings':
        return await (await import('./commands/findings.js')).findingsCommand(rest, io);
      case 'report':
        return await (await import('./commands/compliance.js')).reportCommand(rest, io);
      case 'compliance':
        return await (await import('./commands/compliance.js')).complianceCommand(rest, io);
      case 'catalog':
        return await (await import('./commands/compliance.js')).catalogCommand(rest, io);
      case 'selections':
        return await (await import('./commands/compliance.js')).selectionsCommand(rest, io);
      case 'login':
        return await (await import('./commands/login.js')).loginCommand(rest, io);
      case 'logout':
        return await (await import('./commands/login.js')).logoutCommand(rest, io);
      case '--version':
      case 'version':
        io.out(`${SERVER_VERSION}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return command === undefined ? EXIT_USAGE : 0;
      default:
        throw new UsageError(`unknown command "${command}"; run "patchwave help"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`patchwave: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof ApiError) {
      io.err(`patchwave: ${err.message}\n`);
      return EXIT_FAILED;
    }
    io.err(`patchwave: ${(err as Error).message}\n`);
    return EXIT_FAILED;
  }
}
