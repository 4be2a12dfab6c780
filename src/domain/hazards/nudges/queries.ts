import { type EntityManager, In } from "typeorm";
import { Enterprise, Escalation, EscalationStep, Hazard, OrgUnit } from "../../../db/entities";
import { takenSteps } from "../../kernel/escalation";
import { placeOf } from "../report";
import type { HazardLevel, HazardState } from "../vocabulary";
import { daysOverdue, earliestOffsetDays, isNudgeStep, type LadderDays, NUDGE_STATES, type NudgeStep } from "./ladder";

const DAY_MS = 86_400_000;

/** The escalation engine's name for a hazard's ladder. */
export const LADDER_KIND = "hazard" as const;

/** An open hazard whose ladder run is due, with the run and the steps it has taken. */
export interface Candidate {
  hazard: Hazard;
  run: Escalation;
  deadline: Date;
  done: Set<NudgeStep>;
}

/** An open hazard in ladder range without a live run for its current deadline. */
export interface Unstarted {
  hazardId: number;
  deadline: Date;
  level: HazardLevel;
  /** The run for this deadline dropped while the hazard was out of the owner's hands (handed in, then sent back), to resume. */
  droppedRunId: number | null;
}

/**
 * Open hazards in ladder range (their earliest step can be due) with no run for their current
 * deadline, or only one dropped while the hazard waited for 复查: a new deadline (an extension)
 * or a hazard back with its owner starts or resumes its ladder. Oldest deadline first.
 */
export async function unstartedHazards(tx: EntityManager, now: Date, ladder: LadderDays, limit: number): Promise<Unstarted[]> {
  const latest = new Date(now.getTime() - earliestOffsetDays(ladder) * DAY_MS);
  const rows = await tx
    .createQueryBuilder(Hazard, "h")
    .leftJoin(Escalation, "e", "e.case_kind = :kind AND e.case_id = h.id AND e.anchor_at = h.deadline", { kind: LADDER_KIND })
    .select(["h.id AS id", "h.deadline AS deadline", "h.level AS level", "e.id AS run"])
    .where("h.state IN (:...states)", { states: NUDGE_STATES })
    .andWhere("h.deadline IS NOT NULL AND h.deadline <= :latest", { latest })
    .andWhere("(e.id IS NULL OR e.state = 'dropped')")
    .orderBy("h.deadline", "ASC")
    .addOrderBy("h.id", "ASC")
    .limit(limit)
    .getRawMany<{ id: number | string; deadline: Date | string; level: HazardLevel; run: number | string | null }>();
  return rows.map((r) => ({ hazardId: Number(r.id), deadline: asDate(r.deadline), level: r.level, droppedRunId: r.run === null ? null : Number(r.run) }));
}

/** A raw datetime as the drivers return it: a Date on MySQL, UTC text on SQLite. */
function asDate(v: Date | string): Date {
  if (v instanceof Date) return v;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(" ", "T")}Z`);
}

/**
 * The hazards of the given (locked) runs with the steps each run has taken, split into the runs
 * still meant for their hazard and the stale ones: the hazard left the owner's hands (handed in,
 * verified, closed) or its deadline moved since the run was planned.
 */
export async function loadCandidates(tx: EntityManager, runs: readonly Escalation[]): Promise<{ live: Candidate[]; stale: Escalation[] }> {
  if (runs.length === 0) return { live: [], stale: [] };
  const hazards = await tx.find(Hazard, { where: { id: In(runs.map((r) => r.caseId)) }, order: { id: "ASC" } });
  const byId = new Map(hazards.map((h) => [h.id, h]));
  const fresh = (r: Escalation) => {
    const h = byId.get(r.caseId);
    return h !== undefined && NUDGE_STATES.includes(h.state) && h.deadline !== null && h.deadline.getTime() === r.anchorAt.getTime();
  };
  const live = runs.filter(fresh);
  const taken = await takenSteps(tx, live.map((r) => r.id));
  const open = live.map((r) => byId.get(r.caseId) as Hazard);
  await attachPlaces(tx, open);
  return {
    stale: runs.filter((r) => !fresh(r)),
    live: live.map((run) => {
      const done = new Set(taken.filter((s) => s.escalationId === run.id).map((s) => s.step).filter(isNudgeStep));
      return { hazard: byId.get(run.caseId) as Hazard, run, deadline: run.anchorAt, done };
    }),
  };
}

/** Loads each hazard's enterprise and unit, for the place named in messages. */
async function attachPlaces(tx: EntityManager, hazards: Hazard[]): Promise<void> {
  const enterpriseIds = [...new Set(hazards.map((h) => h.enterpriseId).filter((id): id is number => id !== null))];
  const enterprises = enterpriseIds.length ? await tx.find(Enterprise, { where: { id: In(enterpriseIds) } }) : [];
  const units = await tx.find(OrgUnit, { where: { id: In([...new Set(hazards.map((h) => h.unitId))]) } });
  for (const h of hazards) {
    h.enterprise = enterprises.find((e) => e.id === h.enterpriseId);
    h.unit = units.find((u) => u.id === h.unitId);
  }
}


/** A 挂牌督办 hazard that is overdue: one line of the daily digest. */
export interface ListedOverdue {
  hazardId: number;
  number: string;
  level: HazardLevel;
  state: HazardState;
  category: string;
  place: string;
  unitId: number;
  deadline: Date;
  daysOverdue: number;
}

/**
 * Hazards listed for supervision (挂牌督办) whose rectification is overdue at `now`, worst first —
 * for the daily digest. Read from the hazard itself, so a major hazard listed from the start counts
 * as soon as it is overdue, and an extension takes a hazard off the list until the new deadline.
 */
export async function listedOverdue(manager: EntityManager, now: Date): Promise<ListedOverdue[]> {
  const rows = await manager
    .createQueryBuilder(Hazard, "h")
    .leftJoinAndSelect("h.enterprise", "e")
    .leftJoinAndSelect("h.unit", "u")
    .where("h.state IN (:...states)", { states: NUDGE_STATES })
    .andWhere("h.deadline IS NOT NULL AND h.deadline <= :now", { now })
    .andWhere("h.listed_for_supervision = :listed", { listed: true })
    .orderBy("h.deadline", "ASC")
    .addOrderBy("h.id", "ASC")
    .getMany();
  return rows.map((h) => {
    const deadline = h.deadline as Date;
    const item = { hazardId: h.id, number: h.number, level: h.level, state: h.state, category: h.category, place: placeOf(h, h.enterprise, h.unit), unitId: h.unitId };
    return { ...item, deadline, daysOverdue: daysOverdue(deadline, now) };
  });
}

/** One step of a hazard's ladder as it was taken. */
export interface NudgeRecord {
  step: NudgeStep;
  /** The deadline the step was computed from. */
  deadline: Date;
  /** When the step was taken (the tick's time). */
  sentAt: Date;
  /** Recorded without a message because a later step superseded it. */
  skipped: boolean;
}

/** The ladder steps of one hazard, oldest first (its history across deadlines). */
export async function nudgesOf(manager: EntityManager, hazardId: number): Promise<NudgeRecord[]> {
  const rows = await manager
    .createQueryBuilder(EscalationStep, "s")
    .innerJoinAndSelect("s.escalation", "e")
    .where("s.case_kind = :kind AND s.case_id = :hazardId", { kind: LADDER_KIND, hazardId })
    .orderBy("s.taken_at", "ASC")
    .addOrderBy("s.id", "ASC")
    .getMany();
  return rows
    .filter((s) => isNudgeStep(s.step))
    .map((s) => ({ step: s.step as NudgeStep, deadline: (s.escalation as Escalation).anchorAt, sentAt: s.takenAt, skipped: s.outcome === "skipped" }));
}
