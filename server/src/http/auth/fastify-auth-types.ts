import type { ServerKeyring } from '@patchwave/shared';
import type { JobSigner } from '../../domain/signing/job-signer.js';
import type { SigningKeyring } from '../../domain/signing/signing-keyring.js';
import type { Session } from '../../domain/sessions/session.js';
import type { User } from '../../domain/users/user.js';
import type { SecurityState } from './security-state.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session behind the request (cookie), when it was authenticated by one. */
    authSession: { session: Session; user: User; secret: string } | null;
  }
  interface FastifyInstance {
    /** The server's job-signing keys (rotation, revocation, what agents are told to trust). */
    signingKeys: SigningKeyring;
    /** Signs every job before it is offered: deployments call `app.jobSigner.sign(job)`. */
    jobSigner: JobSigner;
    /** Address lockouts, cookie naming and origin policy shared by the auth routes. */
    security: SecurityState;
    /** Pushes the current keyring to every live agent that understands `trust.keys`. */
    announceKeys(ring?: ServerKeyring): void;
  }
}
