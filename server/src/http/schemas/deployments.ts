import { DEPLOYMENT_STATES, DeviceJobState, DeviceId } from '@patchwave/shared';
import { z } from 'zod';

export const DeploymentIdParams = z.object({ id: z.uuid({ message: 'must be a deployment id (a UUID)' }) });

export const DeploymentListQuery = z.object({
  /** Comma-separated states, e.g. `running,halted`. */
  state: z
    .string()
    .max(200)
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const states = v.split(',').map((s) => s.trim());
      const bad = states.filter((s) => !(DEPLOYMENT_STATES as readonly string[]).includes(s));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `unknown state ${bad.join(', ')}; expected some of ${DEPLOYMENT_STATES.join(', ')}` });
        return z.NEVER;
      }
      return states as (typeof DEPLOYMENT_STATES)[number][];
    }),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
});

export const DeviceJobQuery = z.object({
  wave: z.coerce.number().int().min(0).max(19).optional(),
  state: DeviceJobState.optional(),
  kind: z.enum(['apply', 'rollback', 'plan']).optional(),
  deviceId: DeviceId.optional(),
});

export const StartDeploymentRequest = z.object({ reason: z.string().trim().min(1).max(1024).optional() }).default({});
