import type { Hazard } from "../../db/entities";
import { OPEN_STATES } from "./queries";

/**
 * Whom a hazard waits on, in one place: the 复查 notice, the chat's 复查 list and 我的待办 all ask
 * here, so "who verifies" cannot mean one thing in a notice and another in a list.
 */

/** Who is asked to 复查 a submitted hazard: the verifier named at 交办, else its supervisor. */
export function verifierOf(h: Pick<Hazard, "verifierId" | "supervisorId">): number | null {
  return h.verifierId ?? h.supervisorId;
}

/** A submitted hazard waiting on `personId`'s 复查. */
export function waitsOnVerifier(h: Pick<Hazard, "state" | "verifierId" | "supervisorId">, personId: number): boolean {
  return h.state === "submitted" && verifierOf(h) === personId;
}

/** A hazard whose rectification `personId` owes: theirs, assigned or being rectified. */
export function waitsOnRectifier(h: Pick<Hazard, "state" | "ownerId">, personId: number): boolean {
  return h.ownerId === personId && OPEN_STATES.includes(h.state);
}
