import { type EntityManager, In } from "typeorm";
import { Callout, CalloutRecipient, WarningMessage } from "../../db/entities";
import { DRAFTING_OUTCOMES, type WarningRef } from "./identity";

/** The messages of one warning (its alert, updates and cancellations) and the campaigns they made. */
export interface Chain {
  /** The first message: new messages of the chain point at it. */
  rootId: number;
  /** Campaigns the chain made, oldest first. */
  callouts: Callout[];
  /** Those that went out (running, closed, or cancelled after sending): what an update is measured against. */
  sent: Callout[];
  /** Those still unsent: an update makes them stale. */
  drafts: Callout[];
}

export function findMessage(m: EntityManager, ref: WarningRef): Promise<WarningMessage | null> {
  return m.findOne(WarningMessage, { where: { sender: ref.sender, identifier: ref.identifier } });
}

/**
 * The chain of the messages an update or cancellation refers to, or null when none of them was
 * received. References to messages of several chains (a publisher merging warnings) join them.
 */
export async function resolveChain(m: EntityManager, refs: readonly WarningRef[]): Promise<Chain | null> {
  const found = (await Promise.all(refs.map((r) => findMessage(m, r)))).filter((x): x is WarningMessage => x !== null);
  if (found.length === 0) return null;
  const roots = [...new Set(found.map((x) => x.rootId ?? x.id))].sort((a, b) => a - b);
  const messages = await m.find(WarningMessage, { where: [{ id: In(roots) }, { rootId: In(roots) }], order: { id: "ASC" } });
  const ids = [...new Set(messages.filter((x) => x.calloutId !== null && DRAFTING_OUTCOMES.includes(x.outcome)).map((x) => x.calloutId as number))];
  const byId = new Map((ids.length ? await m.find(Callout, { where: { id: In(ids) } }) : []).map((c) => [c.id, c]));
  const callouts = ids.map((id) => byId.get(id)).filter((c): c is Callout => c !== undefined);
  return { rootId: roots[0] as number, callouts, sent: callouts.filter((c) => c.sentAt !== null), drafts: callouts.filter((c) => c.state === "draft") };
}

/** Everyone the chain's sent campaigns called (superiors they escalated to included). */
export async function peopleCalledIn(m: EntityManager, chain: Chain): Promise<Set<number>> {
  const ids = chain.sent.map((c) => c.id);
  if (ids.length === 0) return new Set();
  const rows = await m.find(CalloutRecipient, { where: { calloutId: In(ids) }, select: { personId: true } });
  return new Set(rows.map((r) => r.personId));
}
