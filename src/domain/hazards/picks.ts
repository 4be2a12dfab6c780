import { In, IsNull } from "typeorm";
import type { Database } from "../../db/Database";
import { type Enterprise, Hazard, HazardLedgerEntry } from "../../db/entities";
import { OutboxDelivery, OutboxMessage } from "../../db/entities";
import { searchEnterprises } from "../org/enterprises";
import { namesOf } from "../org/names";
import { noticeKey } from "./notify";
import { photosOf } from "./photos";
import { type TransferTarget, transferTargets } from "./transfer";
import { OPEN_STATES } from "./queries";
import { waitsOnRectifier, waitsOnVerifier } from "./waitingOn";

/** A notice due this much after the change that wrote it is held (by quiet hours), not merely queued. */
const HELD_MARGIN_MS = 60_000;

/** Before and after photos of a hazard, as storage keys, in upload order. */
export interface HazardPhotoKeys {
  before: string[];
  after: string[];
}

/**
 * What a conversation reads about hazards: what waits on a person, one hazard, its photos, and the
 * names a chat line shows. Read-only; every change goes through HazardService's verbs.
 */
export class HazardPicks {
  constructor(private readonly deps: { db: Database }) {}

  /** Hazards whose rectification the person owes, oldest deadline first. */
  async toRectify(personId: number, limit: number): Promise<Hazard[]> {
    const rows = await this.deps.db.manager.find(Hazard, {
      where: { ownerId: personId, state: In([...OPEN_STATES]) },
      order: { deadline: "ASC", reportedAt: "ASC", id: "ASC" },
      take: limit,
    });
    return rows.filter((h) => waitsOnRectifier(h, personId));
  }

  /** Submitted hazards waiting on the person's 复查, longest waiting first. */
  async toVerify(personId: number, limit: number): Promise<Hazard[]> {
    // The query narrows by index to hazards the person might verify; `waitsOnVerifier` decides.
    const candidates = await this.deps.db.manager.find(Hazard, {
      where: [
        { state: "submitted", verifierId: personId },
        { state: "submitted", supervisorId: personId },
      ],
      order: { updatedAt: "ASC", id: "ASC" },
    });
    return candidates.filter((h) => waitsOnVerifier(h, personId)).slice(0, limit);
  }

  /**
   * Reported hazards waiting on the person's 交办: those routed to them as supervisor, oldest
   * first. (Others who may 交办 reach a hazard through the console or its notice.)
   */
  toAssign(personId: number, limit: number): Promise<Hazard[]> {
    return this.deps.db.manager.find(Hazard, { where: { supervisorId: personId, state: "reported" }, order: { reportedAt: "ASC", id: "ASC" }, take: limit });
  }

  /**
   * Verified hazards waiting on the person's 销号: those they supervise, and for a leader every
   * 重大隐患 still waiting for a leader's signature; longest waiting first.
   */
  async toClose(personId: number, leader: boolean, limit: number): Promise<Hazard[]> {
    const where = [{ state: "verified" as const, supervisorId: personId }, ...(leader ? [{ state: "verified" as const, level: "major" as const, leaderSignoffBy: IsNull() }] : [])];
    return this.deps.db.manager.find(Hazard, { where, order: { updatedAt: "ASC", id: "ASC" }, take: limit });
  }

  /** The person's name, for a question that pre-fills them (the 三个责任人's 责任人). */
  async nameOf(personId: number | null): Promise<string | null> {
    if (personId === null) return null;
    return (await namesOf(this.deps.db.manager, { people: [personId] })).people.get(personId) ?? null;
  }

  /** The hazard, if its rectification is the person's to send; null when not (or no longer). */
  async toRectifyById(id: number, personId: number): Promise<Hazard | null> {
    const hazard = await this.byId(id);
    return hazard && waitsOnRectifier(hazard, personId) ? hazard : null;
  }

  byId(id: number): Promise<Hazard | null> {
    return this.deps.db.manager.findOneBy(Hazard, { id });
  }

  async photos(hazardId: number): Promise<HazardPhotoKeys> {
    const photos = await photosOf(this.deps.db.manager, hazardId);
    return { before: photos.filter((p) => p.stage === "before").map((p) => p.storageKey), after: photos.filter((p) => p.stage === "after").map((p) => p.storageKey) };
  }

  /** Where each hazard is, by hazard id: its enterprise's name, or the place typed for it. */
  async placesOf(hazards: readonly Hazard[]): Promise<Map<number, string>> {
    const names = await namesOf(this.deps.db.manager, { enterprises: hazards.map((h) => h.enterpriseId) });
    return new Map(hazards.map((h) => [h.id, h.enterpriseId ? (names.enterprises.get(h.enterpriseId) ?? "") : (h.locationText ?? "")]));
  }

  /** Who a new hazard was sent to (owner, supervisor), by name, in that order. */
  async notifiedOf(hazard: Hazard): Promise<string[]> {
    const ids = [...new Set([hazard.ownerId, hazard.supervisorId].filter((id): id is number => id !== null))];
    const names = await namesOf(this.deps.db.manager, { people: ids });
    return ids.map((id) => names.people.get(id)).filter((n): n is string => Boolean(n));
  }

  /**
   * When the notice of `action` (the one that made the hazard's current version) will go out if
   * quiet hours hold it, or null when it went, or goes, at once: the chat then says the truth.
   */
  async noticeHeldUntil(hazard: Hazard, action: string): Promise<Date | null> {
    const manager = this.deps.db.manager;
    const message = await manager.findOneBy(OutboxMessage, { idempotencyKey: noticeKey(hazard.id, action, hazard.version) });
    if (!message) return null;
    const pending = await manager.find(OutboxDelivery, { where: { messageId: message.id, status: "pending" } });
    const latest = Math.max(0, ...pending.map((d) => d.nextAttemptAt.getTime()));
    // Written in the turn that changed the hazard; due later than that means it is being held.
    return latest > hazard.updatedAt.getTime() + HELD_MARGIN_MS ? new Date(latest) : null;
  }

  /** What the owner wrote with their latest 整改反馈, for the one who 复查s it. */
  async rectifierNote(hazardId: number): Promise<string | null> {
    const line = await this.deps.db.manager.findOne(HazardLedgerEntry, { where: { hazardId, action: "submit" }, order: { id: "DESC" } });
    return line?.reason ?? null;
  }

  /** Where a new hazard may be handed (转交). */
  transferTargets(hazard: Hazard): Promise<TransferTarget[]> {
    return transferTargets(this.deps.db.manager, hazard);
  }

  /** Active enterprises whose name contains `text`, for a hazard's location. */
  findEnterprises(text: string, limit: number): Promise<Enterprise[]> {
    return searchEnterprises(this.deps.db.manager, text, limit);
  }
}
