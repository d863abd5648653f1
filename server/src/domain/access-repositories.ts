import type { AgentCredentialRepository } from './agent-identity/agent-credential-repository.js';
import type { SessionRepository } from './sessions/session-repository.js';
import type { UserRepository } from './users/user-repository.js';

/** Repositories of operators, their sessions and the agents' credentials (trust and security). */
export interface AccessRepositories {
  users: UserRepository;
  sessions: SessionRepository;
  agentCredentials: AgentCredentialRepository;
}
