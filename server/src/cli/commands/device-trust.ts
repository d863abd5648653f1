import type { DeviceTrustView, RotateCredentialResponse } from '@patchwave/shared';
import { CLIENT_OPTIONS, parse, requirePositional } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { keyValues, printJson } from '../output.js';

export const DEVICE_TRUST_HELP = `  patchwave devices trust <id> [--json]                 approval, revocation, rotation state
  patchwave devices approve <id> [--json]               let a device that waits for approval get jobs (operator)
  patchwave devices revoke <id> [--reason TEXT] [--json] revoke its credential: closes its connection now (admin)
  patchwave devices rotate-credential <id> [--json]     give the agent a new credential (admin)
`;

function describe(io: Io, t: DeviceTrustView): void {
  io.out(
    keyValues([
      ['device', t.deviceId],
      ['approved', t.approved ? `yes${t.approvedBy ? ` (by ${t.approvedBy} at ${t.approvedAt})` : ''}` : 'no: it gets no jobs until approved'],
      ['credential', t.credentialRevokedAt ? `revoked at ${t.credentialRevokedAt} by ${t.credentialRevokedBy}` : 'valid'],
      ['rotated', t.credentialRotatedAt ?? 'never'],
      ['rotation', t.rotationPending ? 'pending (the agent has not confirmed a new credential yet)' : '-'],
      ['online', t.online ? 'yes' : 'no'],
    ]),
  );
}

/** `devices trust|approve|revoke|rotate-credential`. */
export async function deviceTrustCommand(sub: 'trust' | 'approve' | 'revoke' | 'rotate-credential', args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, reason: { type: 'string' } }, `devices ${sub}`, 1);
  if (values.help) {
    io.out(DEVICE_TRUST_HELP);
    return 0;
  }
  const id = encodeURIComponent(requirePositional(positionals, 0, 'device id', `devices ${sub}`));
  const client = clientFromFlags(values, io);
  if (sub === 'rotate-credential') {
    const result = await client.post<RotateCredentialResponse>(`/api/v1/devices/${id}/rotate-credential`, {});
    if (values.json) printJson(io, result);
    else if (result.delivery === 'sent') io.out(`sent a new credential to device ${result.deviceId}; the old one stops working as soon as the agent stored it\n`);
    else io.out(`device ${result.deviceId} is offline: it gets its new credential at its next connection (the old one works until then)\n`);
    return 0;
  }
  const trust =
    sub === 'trust'
      ? await client.get<DeviceTrustView>(`/api/v1/devices/${id}/trust`)
      : sub === 'approve'
        ? await client.post<DeviceTrustView>(`/api/v1/devices/${id}/approve`, {})
        : await client.post<DeviceTrustView>(`/api/v1/devices/${id}/revoke`, values.reason ? { reason: values.reason } : {});
  if (values.json) printJson(io, trust);
  else describe(io, trust);
  return 0;
}
