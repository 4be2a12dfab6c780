import { type EntityManager, In } from "typeorm";
import { AuditEntry, OrgUnit, PublicTip, Tip, type TipPhoto } from "../../db/entities";
import { namesOf } from "../org/names";
import { tipPhotos } from "./photos";
import { photoLocations as photoLocationsOf } from "./publicPhotos";
import { tipNotFound } from "./transition";
import { DEFAULT_PUBLIC_TIP_SETTINGS } from "./types";
import { OPEN_TIP_STATES, type TipState } from "./vocabulary";

const DAY_MS = 86_400_000;

/** What the list can be narrowed by; every field is optional. */
export interface TipFilter {
  states?: readonly TipState[];
  /** Only open tips past their 办理时限 (true), or only those that are not (false). */
  overdue?: boolean;
  page?: number;
  pageSize?: number;
}

/** Who is looking: a tip officer sees every tip, a reward approver also the tips with a reward, anyone else only the tips they handle. */
export interface TipViewer {
  personId: number;
  officer: boolean;
  approver?: boolean;
}

/** Names of the people and enterprises a tip refers to, by id. */
export interface TipNames {
  people: Map<number, string>;
  enterprises: Map<number, string>;
}

export interface TipPage {
  items: Tip[];
  names: TipNames;
  /** The public side of the tips from the public, by tip id. */
  publics: Map<number, PublicTipView>;
  total: number;
  page: number;
  pageSize: number;
  now: Date;
}

export interface TipDetail {
  tip: Tip;
  names: TipNames;
  photos: TipPhoto[];
  /** Where each photo was taken, by storage key, as its EXIF said (public tips' photos; staff only). */
  photoLocations: Map<string, { latitude: number; longitude: number }>;
  /** The audit lines of the tip's lifecycle, oldest first (reveals not among them). */
  timeline: AuditEntry[];
  /** Who revealed the tipster, when and why — for tip officers only; null for anyone else. */
  reveals: AuditEntry[] | null;
  /** A tip from the public: the unit it was routed to, its two deadlines and the feedback the tipster reads; null otherwise. */
  public: PublicTipView | null;
  now: Date;
}

/** What staff see of a public tip's side: never its tracking code or token. */
export interface PublicTipView {
  unit: { id: number; name: string } | null;
  verificationDueAt: Date;
  feedbackDueAt: Date | null;
  feedback: string | null;
  feedbackAt: Date | null;
}

const REVEAL_ACTIONS = ["tip.reveal", "tip.reveal_refused"];

/** True when the tip is open and past its 办理时限. */
export function isTipOverdue(tip: Pick<Tip, "state" | "dueAt">, now: Date): boolean {
  return OPEN_TIP_STATES.includes(tip.state) && tip.dueAt !== null && tip.dueAt.getTime() < now.getTime();
}

/** A page of the tips `viewer` may see, newest first. */
export async function listTips(manager: EntityManager, viewer: TipViewer, filter: TipFilter, now: Date, feedbackDays = DEFAULT_PUBLIC_TIP_SETTINGS.feedbackDays): Promise<TipPage> {
  const page = filter.page ?? 1;
  const pageSize = filter.pageSize ?? 20;
  const q = manager.createQueryBuilder(Tip, "t");
  if (!viewer.officer) q.andWhere(viewer.approver ? "(t.handler_id = :me OR t.reward_state IS NOT NULL)" : "t.handler_id = :me", { me: viewer.personId });
  if (filter.states?.length) q.andWhere("t.state IN (:...states)", { states: filter.states });
  const overdue = "(t.state IN (:...open) AND t.due_at IS NOT NULL AND t.due_at < :now)";
  if (filter.overdue !== undefined) q.andWhere(filter.overdue ? overdue : `NOT ${overdue}`, { open: OPEN_TIP_STATES, now });
  const [items, total] = await q.orderBy("t.reported_at", "DESC").addOrderBy("t.id", "DESC").skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
  return { items, names: await tipNames(manager, items, []), publics: await publicViewsOf(manager, items, feedbackDays), total, page, pageSize, now };
}

/** One tip with its photos and timeline, if `viewer` may see it; otherwise 404, as if it did not exist. */
export async function tipDetail(manager: EntityManager, viewer: TipViewer, id: number, now: Date, feedbackDays = DEFAULT_PUBLIC_TIP_SETTINGS.feedbackDays): Promise<TipDetail> {
  const tip = await manager.findOne(Tip, { where: { id } });
  if (!tip || !(viewer.officer || tip.handlerId === viewer.personId || (viewer.approver && tip.rewardState !== null))) throw tipNotFound();
  const photos = await tipPhotos.list(manager, id);
  const lines = await manager.find(AuditEntry, { where: { entityType: "tip", entityId: String(id) }, order: { at: "ASC", id: "ASC" } });
  const timeline = lines.filter((l) => !REVEAL_ACTIONS.includes(l.action));
  const reveals = viewer.officer ? lines.filter((l) => REVEAL_ACTIONS.includes(l.action)) : null;
  const photoLocations = await photoLocationsOf(manager, photos.map((p) => p.storageKey));
  return { tip, names: await tipNames(manager, [tip], [...timeline, ...(reveals ?? [])]), photos, photoLocations, timeline, reveals, public: (await publicViewsOf(manager, [tip], feedbackDays)).get(id) ?? null, now };
}

/**
 * The public side of `tips`. The feedback deadline is written by the deadline job's next tick after
 * verification ends; until then it is shown as that job will write it (end of verification + `feedbackDays`).
 */
async function publicViewsOf(manager: EntityManager, tips: readonly Tip[], feedbackDays: number): Promise<Map<number, PublicTipView>> {
  const pubs = tips.length ? await manager.find(PublicTip, { where: { tipId: In(tips.map((t) => t.id)) } }) : [];
  const unitIds = [...new Set(pubs.map((p) => p.unitId).filter((id): id is number => id !== null))];
  const units = unitIds.length ? await manager.find(OrgUnit, { where: { id: In(unitIds) } }) : [];
  const feedbackDue = (p: PublicTip): Date | null => {
    const tip = tips.find((t) => t.id === p.tipId);
    if (p.feedbackDueAt || !tip || OPEN_TIP_STATES.includes(tip.state) || !tip.closedAt) return p.feedbackDueAt;
    return new Date(tip.closedAt.getTime() + feedbackDays * DAY_MS);
  };
  return new Map(
    pubs.map((p) => {
      const unit = units.find((u) => u.id === p.unitId);
      return [p.tipId, { unit: unit ? { id: unit.id, name: unit.name } : null, verificationDueAt: p.verificationDueAt, feedbackDueAt: feedbackDue(p), feedback: p.publicFeedback, feedbackAt: p.feedbackAt }];
    }),
  );
}

/** A tipster's own tips, newest first, found by their lookup hash. */
export function tipsByLookup(manager: EntityManager, lookup: string, limit: number): Promise<Tip[]> {
  return manager.find(Tip, { where: { reporterLookup: lookup }, order: { reportedAt: "DESC", id: "DESC" }, take: limit });
}

/** The person id of an audit actor written as `person:12`; null for `tipster`, `system` and the like. */
export function actorPersonId(actor: string): number | null {
  const match = /^person:(\d+)$/.exec(actor);
  return match ? Number(match[1]) : null;
}

async function tipNames(manager: EntityManager, tips: Tip[], lines: AuditEntry[]): Promise<TipNames> {
  const { people, enterprises } = await namesOf(manager, {
    people: [...tips.map((t) => t.handlerId), ...lines.map((l) => actorPersonId(l.actor))],
    enterprises: tips.map((t) => t.enterpriseId),
  });
  return { people, enterprises };
}
