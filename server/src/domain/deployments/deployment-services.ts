import { AgentReports } from './agent-reports.js';
import type { DeploymentDeps } from './context.js';
import { DeploymentCommands } from './deployment-commands.js';
import { DeploymentLoop, type DeploymentLoopOptions } from './deployment-loop.js';
import { DeploymentPlans } from './deployment-plan.js';
import { DeploymentReads } from './deployment-reads.js';
import { DeploymentRollbacks } from './deployment-rollback.js';
import { DeploymentStarter } from './deployment-start.js';
import { JobOffers } from './job-offers.js';
import { Orchestrator } from './orchestrator.js';
import { SerialQueue } from './serial-queue.js';

/** The deployment area as the transports see it. */
export interface DeploymentServices {
  commands: DeploymentCommands;
  plans: DeploymentPlans;
  rollbacks: DeploymentRollbacks;
  reads: DeploymentReads;
  reports: AgentReports;
  orchestrator: Orchestrator;
  loop: DeploymentLoop;
  events: DeploymentDeps['events'];
}

/** Wires the deployment services around one serial queue (every state change goes through it). */
export function createDeploymentServices(deps: DeploymentDeps, loopOptions: DeploymentLoopOptions = {}): DeploymentServices {
  const serial = new SerialQueue();
  const offers = new JobOffers(deps);
  const starter = new DeploymentStarter(deps);
  const orchestrator = new Orchestrator(deps, offers, starter, serial);
  const loop = new DeploymentLoop(orchestrator, deps.clock, deps.log, loopOptions);
  const poke = () => loop.poke();
  // Results come in bursts: they share passes (an operator's action gets one at once).
  const pokeSoon = () => loop.pokeSoon();
  return {
    commands: new DeploymentCommands(deps, serial, starter, offers, poke),
    plans: new DeploymentPlans(deps, serial, offers),
    rollbacks: new DeploymentRollbacks(deps, serial, offers),
    reads: new DeploymentReads(deps),
    reports: new AgentReports(deps, serial, pokeSoon),
    orchestrator,
    loop,
    events: deps.events,
  };
}
