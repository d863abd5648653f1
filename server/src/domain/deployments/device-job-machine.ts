import type { DeviceJobState, ErrorCode, JobResultStatus } from '@patchwave/shared';
import { StateMachine } from './transition-table.js';

export const DEVICE_JOB_EVENTS = [
  'offer',
  'accept',
  'start',
  'succeed',
  'fail',
  'interrupt',
  'time_out',
  'skip',
  'roll_back',
] as const;
export type DeviceJobEvent = (typeof DEVICE_JOB_EVENTS)[number];

/**
 * One device's job (diagram in README.md).
 * - `offer` from `offered` is a re-offer (after a reconnect): same job id, one more attempt.
 * - A result may arrive without `job.accepted` before it (that message is best effort), so results
 *   are legal from `offered`, `accepted` and `running`.
 * - A late result replaces a time-out: the device's evidence wins over the server's guess.
 * - `roll_back` records that a rollback job restored the versions this job replaced.
 * - `skip` from `running` (or late, from `timed_out`): the device refused for a reason that is not
 *   the patch's (already unhealthy before the change, a failed pre-flight check).
 */
export const deviceJobMachine = new StateMachine<DeviceJobState, DeviceJobEvent>('device job', {
  pending: { offer: 'offered', skip: 'skipped', time_out: 'timed_out' },
  offered: {
    offer: 'offered',
    accept: 'accepted',
    start: 'running',
    succeed: 'succeeded',
    fail: 'failed',
    interrupt: 'interrupted',
    time_out: 'timed_out',
    skip: 'skipped',
  },
  accepted: {
    start: 'running',
    succeed: 'succeeded',
    fail: 'failed',
    interrupt: 'interrupted',
    time_out: 'timed_out',
    skip: 'skipped',
  },
  running: { succeed: 'succeeded', fail: 'failed', interrupt: 'interrupted', time_out: 'timed_out', skip: 'skipped' },
  succeeded: { roll_back: 'rolled_back' },
  failed: { roll_back: 'rolled_back' },
  interrupted: { roll_back: 'rolled_back' },
  timed_out: { succeed: 'succeeded', fail: 'failed', interrupt: 'interrupted', skip: 'skipped', roll_back: 'rolled_back' },
  skipped: {},
  rolled_back: {},
});

/** States that still wait for the device. */
export const OPEN_DEVICE_JOB_STATES: readonly DeviceJobState[] = ['pending', 'offered', 'accepted', 'running'];

/**
 * Result codes that say the device was not fit to be patched — nothing changed, and it is not the
 * patch's fault: its health probes failed before applying, or a pre-flight check did. Such a
 * device is skipped (and shown with its reason), not counted as a failure by the wave's gates.
 */
export const NOT_THE_PATCH: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['E_HEALTH_ALREADY_FAILING', 'E_PREFLIGHT_FAILED']);

/** The event a `job.result` status (and error code) stands for. */
export function eventForResult(status: JobResultStatus, errorCode?: ErrorCode): DeviceJobEvent {
  if (status !== 'succeeded' && errorCode !== undefined && NOT_THE_PATCH.has(errorCode)) return 'skip';
  switch (status) {
    case 'succeeded':
      return 'succeed';
    case 'failed':
    case 'rejected':
      return 'fail';
    case 'interrupted':
      return 'interrupt';
    case 'expired':
      return 'time_out';
    case 'cancelled':
      return 'skip';
  }
}
