import { type EntityManager, In, IsNull } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { type Clock, formatLocal } from "../../clock";
import type { Database } from "../../db/Database";
import { Escalation, Person, PublicTip, Tip } from "../../db/entities";
import {
  claimSteps,
  dropRuns,
  dueRunIds,
  dueSteps,
  type EscalationPolicy,
  lockDueRuns,
  nextDueAt,
  parsePolicy,
  retryLostRace,
  scheduleRun,
  startRuns,
  takenSteps,
} from "../kernel/escalation";
import { type OutboxService, resolveRecipients } from "../outbox";
import { tipFactsOf } from "./notify";
import { summaryOf } from "./messages";
import { officersFor } from "./routing";
import type { PublicTipSettings } from "./types";
import { OPEN_TIP_STATES } from "./vocabulary";

const KIND = "tip" as const;
const DAY_MS = 86_400_000;
const BATCH = 200;

/** The two deadlines of a public tip: verification ends, then the tipster is told. */
type Phase = "verify" | "feedback";

/** Reminder a day (verification) or two (feedback) before, then overdue to the handler and the tip officers' leader. */
const policies: Record<Phase, EscalationPolicy> = {
  verify: {
    anchor: "deadline",
    facts: { phase: "verify" },
    steps: [
      { key: "verify_soon", offsetMinutes: -24 * 60, audience: ["handler"], supersededBy: "verify_overdue" },
      { key: "verify_overdue", offsetMinutes: 0, audience: ["handler", "leader"] },
    ],
  },
  feedback: {
    anchor: "deadline",
    facts: { phase: "feedback" },
    steps: [
      { key: "feedback_soon", offsetMinutes: -48 * 60, audience: ["handler"], supersededBy: "feedback_overdue" },
      { key: "feedback_overdue", offsetMinutes: 0, audience: ["handler", "leader"] },
    ],
  },
};

export interface TipDeadlinesDeps {
  db: Database;
  outbox: Pick<OutboxService, "enqueue">;
  clock: Clock;
  channels: readonly ChannelId[];
  settings: Pick<PublicTipSettings, "feedbackDays">;
}

/**
 * A public tip's deadlines on the escalation engine: verification due `verifyDays` after the
 * report; once it ends (办结 or 不予受理), feedback to the tipster due `feedbackDays` later. Each
 * is reminded before and, when overdue, also sent to the leader of the tip officers. A run whose
 * tip moved on (verified, feedback written) is dropped, its steps not sent. Stateless per tick.
 */
export class TipDeadlines {
  constructor(private readonly deps: TipDeadlinesDeps) {}

  async runDue(now: Date = this.deps.clock.now()): Promise<{ steps: number; messages: number }> {
    await retryLostRace(() => this.deps.db.transaction((tx) => this.startRuns(tx, now)));
    const result = { steps: 0, messages: 0 };
    for (const id of await dueRunIds(this.deps.db.manager, KIND, now, BATCH)) {
      const taken = await retryLostRace(() => this.deps.db.transaction((tx) => this.takeRun(tx, id, now)));
      result.steps += taken.steps;
      result.messages += taken.messages;
    }
    return result;
  }

  /** Verification runs for open public tips; the feedback deadline (and its run) once verification has ended. */
  private async startRuns(tx: EntityManager, now: Date): Promise<void> {
    const openTips = await tx
      .createQueryBuilder(PublicTip, "p")
      .innerJoinAndSelect("p.tip", "t")
      .where("t.state IN (:...open)", { open: [...OPEN_TIP_STATES] })
      .getMany();
    const ended = await tx
      .createQueryBuilder(PublicTip, "p")
      .innerJoinAndSelect("p.tip", "t")
      .where("t.state NOT IN (:...open) AND p.publicFeedback IS NULL", { open: [...OPEN_TIP_STATES] })
      .getMany();
    for (const p of ended.filter((e) => e.feedbackDueAt === null)) {
      p.feedbackDueAt = new Date(((p.tip as Tip).closedAt ?? now).getTime() + this.deps.settings.feedbackDays * DAY_MS);
      await tx.update(PublicTip, { tipId: p.tipId, feedbackDueAt: IsNull() }, { feedbackDueAt: p.feedbackDueAt });
    }
    const wanted = [...openTips.map((p) => ({ id: p.tipId, at: p.verificationDueAt, phase: "verify" as const })), ...ended.map((p) => ({ id: p.tipId, at: p.feedbackDueAt as Date, phase: "feedback" as const }))];
    if (wanted.length === 0) return;
    const existing = await tx.find(Escalation, { where: { caseKind: KIND, caseId: In([...new Set(wanted.map((w) => w.id))]) }, select: { caseId: true, anchorAt: true } });
    const has = new Set(existing.map((e) => `${e.caseId}@${e.anchorAt.getTime()}`));
    const starts = wanted
      .filter((w) => !has.has(`${w.id}@${w.at.getTime()}`))
      .map((w) => ({ caseId: w.id, anchorAt: w.at, policy: policies[w.phase], nextActionAt: nextDueAt(policies[w.phase], w.at, new Set()) }));
    await startRuns(tx, KIND, starts, now);
  }

  private async takeRun(tx: EntityManager, runId: number, now: Date): Promise<{ steps: number; messages: number }> {
    const [run] = await lockDueRuns(tx, [runId], now);
    if (!run) return { steps: 0, messages: 0 };
    const policy = parsePolicy(run.policy ?? "");
    const phase = policy.facts?.phase as Phase;
    const tip = await tx.findOne(Tip, { where: { id: run.caseId } });
    const pub = await tx.findOne(PublicTip, { where: { tipId: run.caseId } });
    const live =
      tip && pub && (phase === "verify" ? OPEN_TIP_STATES.includes(tip.state) && pub.verificationDueAt.getTime() === run.anchorAt.getTime() : pub.publicFeedback === null && pub.feedbackDueAt?.getTime() === run.anchorAt.getTime());
    if (!live) {
      await dropRuns(tx, [run.id], now);
      return { steps: 0, messages: 0 };
    }
    const done = new Set((await takenSteps(tx, [run.id])).map((s) => s.step));
    const due = dueSteps(policy, run.anchorAt, now, done);
    for (const s of due) done.add(s.key);
    await scheduleRun(tx, run, nextDueAt(policy, run.anchorAt, done), now);
    if (due.length === 0) return { steps: 0, messages: 0 };
    await claimSteps(tx, due.map((s) => ({ escalationId: run.id, caseKind: KIND, caseId: tip.id, step: s.key, outcome: s.send ? "sent" : "skipped" })), now);
    let messages = 0;
    for (const s of due.filter((d) => d.send)) {
      const people = await this.audience(tx, tip, pub, s.audience.flat());
      if (people.length === 0) continue;
      const facts = await tipFactsOf(tx, tip);
      const result = await this.deps.outbox.enqueue(tx, {
        idempotencyKey: `tip-deadline:${run.id}:${s.key}`,
        lane: "routine",
        message: { kind: "text", text: deadlineText(s.key, tip, facts.place, run.anchorAt) },
        recipients: await resolveRecipients(tx, people, this.deps.channels),
        source: `tip:${tip.id}`,
      });
      if (result.created) messages += 1;
    }
    return { steps: due.length, messages };
  }

  /** `handler`: who verifies, else the tip officers it was routed to; `leader`: those officers' superiors. */
  private async audience(tx: EntityManager, tip: Tip, pub: PublicTip, names: readonly string[]): Promise<Person[]> {
    const officers = await officersFor(tx, pub.unitId);
    const ids = new Set<number>();
    if (names.includes("handler")) for (const id of tip.handlerId ? [tip.handlerId] : officers.map((o) => o.id)) ids.add(id);
    if (names.includes("leader")) for (const o of officers) if (o.superiorId) ids.add(o.superiorId);
    return ids.size ? tx.find(Person, { where: { id: In([...ids]), active: true }, order: { id: "ASC" } }) : [];
  }
}

/** The notice of a deadline step: number, pseudonym, place and summary; never the tipster. */
function deadlineText(step: string, tip: Tip, place: string, due: Date): string {
  const head = `编号：${tip.number}\n举报人：${tip.pseudonym}\n涉及：${place}\n摘要：${summaryOf(tip.content)}`;
  switch (step) {
    case "verify_soon":
      return `群众举报核查即将到期\n${head}\n核查时限：${formatLocal(due)}\n请在时限内完成核查并办结。`;
    case "verify_overdue":
      return `群众举报核查已逾期\n${head}\n核查时限：${formatLocal(due)}（已逾期）\n请督促尽快核查办结。`;
    case "feedback_soon":
      return `群众举报反馈即将到期\n${head}\n反馈时限：${formatLocal(due)}\n请在时限内向举报人反馈办理结果。`;
    default:
      return `群众举报反馈已逾期\n${head}\n反馈时限：${formatLocal(due)}（已逾期）\n请督促尽快向举报人反馈办理结果。`;
  }
}
