import type { EntityManager } from "typeorm";
import { CalloutRecipient, Person } from "../../db/entities";
import { resolveRecipients } from "../outbox";
import { reportLeaders } from "./audience";
import { computeFigures, loadBoard } from "./figures";
import { reportText } from "./messages";
import type { StepDeps } from "./steps";
import { lockCallout } from "./lock";
import { endCalloutRun } from "./run";
import { sourceOf } from "./vocabulary";

/**
 * At the deadline, once every due step is taken (the silent escalated, the superiors' cards
 * enqueued), the campaign closes and the initiator and the county's leaders get the report.
 * The state change under the campaign's lock makes the report happen once.
 */
export async function closeCallout(tx: EntityManager, deps: StepDeps, calloutId: number, now: Date): Promise<boolean> {
  const c = await lockCallout(tx, calloutId);
  if (!c || c.state !== "sent" || !c.deadlineAt || c.deadlineAt.getTime() > now.getTime()) return false;
  const due = await tx
    .createQueryBuilder(CalloutRecipient, "r")
    .where("r.callout_id = :id AND r.next_action_at <= :now", { id: calloutId, now })
    .getCount();
  if (due > 0) return false;
  const figures = computeFigures(c, await loadBoard(tx, calloutId));
  const initiator = await tx.findOneOrFail(Person, { where: { id: c.initiatorId } });
  const audience = new Map([initiator, ...(await reportLeaders(tx))].map((p) => [p.id, p]));
  await deps.outbox.enqueue(tx, {
    idempotencyKey: `callout:${c.id}:report`,
    lane: "callout",
    message: reportText(c, figures),
    recipients: await resolveRecipients(tx, [...audience.values()], deps.channels),
    source: sourceOf(c.id),
  });
  await tx.update(CalloutRecipient, { calloutId }, { nextActionAt: null });
  c.state = "closed";
  c.closedAt = now;
  await tx.save(c);
  await endCalloutRun(tx, c.id, "done", now);
  return true;
}
