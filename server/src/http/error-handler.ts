import { PatchwaveError } from '@patchwave/shared';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { codeForStatus, errorBody, statusForCode } from './error-mapping.js';

interface ValidationIssue {
  path: string;
  message: string;
}

/** `body`, `/maxUses` → `body.maxUses`; the whole part when the path is empty. */
function issuePath(context: string | undefined, instancePath: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  return [context ?? 'request', ...parts].join('.');
}

/** Every error leaves as `ApiErrorBody` with a stable code; validation errors name the field. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues: ValidationIssue[] = err.validation.map((v) => ({ path: issuePath(err.validationContext, v.instancePath), message: v.message ?? 'invalid' }));
      const first = issues[0] as ValidationIssue;
      const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
      return reply.code(400).send(errorBody('E_VALIDATION', `${first.path}: ${first.message}${more}`, { issues }));
    }
    if (err instanceof PatchwaveError) {
      const status = statusForCode(err.code);
      if (status === 401) void reply.header('www-authenticate', 'Bearer');
      if (status >= 500) request.log.error({ err }, 'request failed');
      return reply.code(status).send(errorBody(err.code, err.message, err.details));
    }
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(errorBody(codeForStatus(err.statusCode), err.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send(errorBody('E_INTERNAL', 'internal server error'));
  });

  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send(errorBody('E_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
