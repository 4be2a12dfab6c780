import { type EntityManager, In } from "typeorm";
import { isMysqlFamily } from "../../../db/dialect";
import { Enterprise, Hazard, HazardNudge, OrgUnit } from "../../../db/entities";
import { placeOf } from "../report";
import type { HazardLevel, HazardState } from "../vocabulary";
import { daysOverdue, earliestOffsetDays, type LadderDays, NUDGE_STATES, NUDGE_STEPS, type NudgeStep } from "./ladder";

const DAY_MS = 86_400_000;

/** An open hazard whose ladder may have a step due, with the steps already taken for its deadline. */
export interface Candidate {
  hazard: Hazard;
  deadline: Date;
  done: Set<NudgeStep>;
}

/**
 * The given candidates (from `candidateIds`) with their steps taken. On MySQL/MariaDB the
 * hazards are locked and re-read with locking reads, which see the latest commits: a second
 * instance on the same tick waits here for the first, then finds its steps taken, instead of
 * racing it to the unique key (InnoDB's repeatable-read snapshot would otherwise hide them).
 */
export async function loadCandidates(tx: EntityManager, ids: readonly number[]): Promise<Candidate[]> {
  if (ids.length === 0) return [];
  const locking = isMysqlFamily(tx);
  const hazards = await tx.find(Hazard, { where: { id: In([...ids]) }, order: { id: "ASC" }, lock: locking ? { mode: "pessimistic_write" } : undefined });
  const open = hazards.filter((h) => NUDGE_STATES.includes(h.state) && h.deadline !== null);
  const taken = await tx.find(HazardNudge, { where: { hazardId: In([...ids]) }, lock: locking ? { mode: "pessimistic_read" } : undefined });
  await attachPlaces(tx, open);
  return open.map((hazard) => {
    const deadline = hazard.deadline as Date;
    // Rows of an earlier deadline belong to a ladder an extension has replaced.
    const done = new Set(taken.filter((n) => n.hazardId === hazard.id && n.deadline.getTime() === deadline.getTime()).map((n) => n.step));
    return { hazard, deadline, done };
  });
}

/**
 * Ids of open hazards in ladder range whose steps for the current deadline are not all recorded,
 * oldest deadline first: a plain read, the locks are taken by `loadCandidates`.
 */
export async function candidateIds(tx: EntityManager, now: Date, ladder: LadderDays, limit: number): Promise<number[]> {
  const latest = new Date(now.getTime() - earliestOffsetDays(ladder) * DAY_MS);
  const rows = await tx
    .createQueryBuilder(Hazard, "h")
    .select("h.id", "id")
    .where("h.state IN (:...states)", { states: NUDGE_STATES })
    .andWhere("h.deadline IS NOT NULL AND h.deadline <= :latest", { latest })
    .andWhere("(SELECT COUNT(*) FROM hazard_nudges n WHERE n.hazard_id = h.id AND n.deadline = h.deadline) < :steps", { steps: NUDGE_STEPS.length })
    .orderBy("h.deadline", "ASC")
    .addOrderBy("h.id", "ASC")
    .limit(limit)
    .getRawMany<{ id: number | string }>();
  return rows.map((r) => Number(r.id));
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

/** The nudge records of one hazard, oldest first (its ladder history across deadlines). */
export function nudgesOf(manager: EntityManager, hazardId: number): Promise<HazardNudge[]> {
  return manager.find(HazardNudge, { where: { hazardId }, order: { sentAt: "ASC", id: "ASC" } });
}
