import { PatchwaveError } from '@patchwave/shared';

/** For each state, the events it accepts and the state each leads to. Anything else is illegal. */
export type TransitionTable<S extends string, E extends string> = { readonly [K in S]: Readonly<Partial<Record<E, S>>> };

/** A transition the table does not allow: a typed error (E_ILLEGAL_TRANSITION, HTTP 409). */
export class IllegalTransitionError extends PatchwaveError {
  readonly machine: string;
  readonly from: string;
  readonly event: string;
  readonly allowed: readonly string[];

  constructor(machine: string, from: string, event: string, allowed: readonly string[], why?: string) {
    const list = allowed.length ? allowed.join(', ') : 'nothing: it is final';
    super('E_ILLEGAL_TRANSITION', `${machine} cannot "${event}" while "${from}"${why ? ` (${why})` : ''}; allowed: ${list}`, {
      details: { machine, from, event, allowed },
    });
    this.name = 'IllegalTransitionError';
    this.machine = machine;
    this.from = from;
    this.event = event;
    this.allowed = allowed;
  }
}

/** A named state machine over a transition table. */
export class StateMachine<S extends string, E extends string> {
  constructor(
    readonly name: string,
    readonly table: TransitionTable<S, E>,
  ) {}

  /** Events the state accepts, in table order. */
  allowed(from: S): E[] {
    return Object.keys(this.table[from]) as E[];
  }

  can(from: S, event: E): boolean {
    return this.table[from][event] !== undefined;
  }

  /** The state after `event`, or an IllegalTransitionError. */
  next(from: S, event: E): S {
    const to = this.table[from][event];
    if (to === undefined) throw new IllegalTransitionError(this.name, from, event, this.allowed(from));
    return to;
  }

  /** States no event leaves. */
  finalStates(): S[] {
    return (Object.keys(this.table) as S[]).filter((s) => this.allowed(s).length === 0);
  }

  /** Every legal transition as [from, event, to], for diagrams and exhaustive tests. */
  edges(): [S, E, S][] {
    return (Object.keys(this.table) as S[]).flatMap((from) =>
      (Object.entries(this.table[from]) as [E, S][]).map(([event, to]): [S, E, S] => [from, event, to]),
    );
  }
}
