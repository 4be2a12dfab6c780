import { Conflict } from "../../errors";

/** How one kind of case moves: from which states each action is allowed, where it leads, and what else refuses it. */
export interface StateMachineSpec<S extends string, A extends string, C extends { state: S }> {
  /** The stable code of a refusal (409), e.g. `hazard_illegal_transition`. */
  illegalCode: string;
  /** The states each action is allowed from. */
  from: Readonly<Record<A, readonly S[]>>;
  /** Where an action leads; a function when it depends on the case; actions absent here leave the state alone. */
  to: Readonly<Partial<Record<A, S | ((c: C) => S)>>>;
  /** The Chinese refusal when the case is in a state the action is not allowed from. */
  wrongState: (current: S, action: A, allowed: readonly S[]) => string;
  /** Further refusals once the state is right (a 重大隐患 cannot be fixed on the spot): a Chinese message, or nothing to allow. */
  refuse?: (c: C, action: A) => string | null | undefined;
}

/** A state machine: pure, the service adds the person-specific guards. */
export interface StateMachine<S extends string, A extends string, C extends { state: S }> {
  /** The state `action` leads to from `c`, or a 409 Conflict saying in Chinese why not. */
  next(c: C, action: A): S;
  /** Whether `action` is possible on `c` now (for offering it to a person). */
  allows(c: C, action: A): boolean;
  /** The states `action` is allowed from. */
  allowedFrom(action: A): readonly S[];
}

/** Defines a case's state machine; hazards and tips both use this shape. */
export function defineStateMachine<S extends string, A extends string, C extends { state: S }>(spec: StateMachineSpec<S, A, C>): StateMachine<S, A, C> {
  const illegal = (message: string) => Conflict(message, spec.illegalCode);
  const next = (c: C, action: A): S => {
    const allowed = spec.from[action];
    if (!allowed.includes(c.state)) throw illegal(spec.wrongState(c.state, action, allowed));
    const refusal = spec.refuse?.(c, action);
    if (refusal) throw illegal(refusal);
    const to: S | ((c: C) => S) | undefined = spec.to[action];
    if (to === undefined) return c.state;
    return typeof to === "function" ? to(c) : to;
  };
  return {
    next,
    allows(c, action) {
      try {
        next(c, action);
        return true;
      } catch {
        return false;
      }
    },
    allowedFrom: (action) => spec.from[action],
  };
}
