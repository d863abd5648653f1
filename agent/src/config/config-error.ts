import { PatchwaveError } from '@patchwave/shared';

/** Exit code of every command that stops on a bad configuration or bad command-line usage. */
export const EXIT_USAGE = 2;

/** A configuration value that is wrong, naming the field and where it came from. */
export class ConfigError extends PatchwaveError {
  readonly field: string;
  readonly source: string;

  constructor(field: string, source: string, problem: string) {
    super('E_CONFIG_INVALID', `invalid configuration: ${field} (from ${source}) ${problem}`, { details: { field, source } });
    this.name = 'ConfigError';
    this.field = field;
    this.source = source;
  }
}
