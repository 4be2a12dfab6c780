import type { EntityManager } from "typeorm";
import { Hazard, type Person } from "../../db/entities";
import { Forbidden, Invalid } from "../../errors";
import { formatLocal } from "../../clock";
import { activePersonFor, checkFivePoints, chooseVerifier, requireNotRectifier, requireOwner, requireOwnerOrAssigner, requireReason } from "./guards";
import { hazardNotices, type NoticeFacts } from "./messages";
import { notifyHazard } from "./notify";
import { greyOutSentCards } from "../outbox";
import { NOTICE_CARD_DONE, noticeCardsOf, reportedNoticeCard } from "./noticeCard";
import { transferPatch } from "./transfer";
import type { OutboundMessage } from "../../channels/channel";
import { addPhotos, checkPhotoKeys } from "./photos";
import { APPROVER_ROLES, holdsRole, STAFF_ROLES } from "./policy";
import { hazardDetail, listHazards, type HazardDetail, type HazardFilter, type HazardPage } from "./queries";
import { factsOf, reportHazard } from "./report";
import type { HazardAction } from "./stateMachine";
import { earlierResult, recordResult } from "../requests/requestResults";
import { applyChange } from "./transition";
import { verifierOf } from "./waitingOn";
import type { AssignInput, ChangeInput, ExtendInput, FixOnSpotInput, HazardServiceDeps, ReasonInput, ReportInput, SubmitInput, TransferInput } from "./types";

/**
 * The hazard lifecycle: reported → assigned → rectifying → submitted → verified → closed, with
 * rejection back to rectifying, 即知即改 straight to closed, reopening and approved extensions.
 * Every verb is one transaction: the hazard, its ledger line and its notices commit together.
 */
export class HazardService {
  constructor(private readonly deps: HazardServiceDeps) {}

  /** 上报: a new hazard, numbered, routed and announced to its owner and supervisor. */
  report(reporter: Person, input: ReportInput): Promise<Hazard> {
    return reportHazard(this.deps, reporter, input);
  }

  /** 交办: the 五落实; a 重大隐患 needs all five. */
  async assign(id: number, actor: Person, input: AssignInput): Promise<Hazard> {
    return this.change(id, actor, input, {
      action: "assign",
      patch: async (h, tx) => {
        const problems = checkFivePoints(h, input, this.deps.clock.now());
        if (problems.length) throw Invalid(h.level === "major" ? "重大隐患须落实责任、措施、资金、时限、预案“五落实”后方可交办" : "交办信息不完整", problems, "hazard_five_points_incomplete");
        const ownerId = input.ownerId ? (await activePersonFor(tx, input.ownerId, "ownerId")).id : (h.ownerId as number);
        const verifierId = await chooseVerifier(tx, h, ownerId, actor, input.verifierId);
        return { ownerId, verifierId, measures: trimmed(input.measures), funds: trimmed(input.funds), deadline: input.deadline ?? null, contingencyPlan: trimmed(input.contingencyPlan) };
      },
      notice: (f) => ({ text: hazardNotices.assigned(f), to: [f.hazard.ownerId] }),
    });
  }

  /** 开始整改. */
  async startRectifying(id: number, actor: Person, input: ChangeInput = {}): Promise<Hazard> {
    return this.change(id, actor, input, { action: "start", guard: (h) => requireOwnerOrAssigner(h, actor) });
  }

  /** 整改反馈: after-photos and a note, by the owner; asks the verifier to 复查. */
  async submitRectification(id: number, actor: Person, input: SubmitInput): Promise<Hazard> {
    const note = requireReason(input.note, "note");
    const keys = checkPhotoKeys(input.photoKeys, "photoKeys", true);
    return this.change(id, actor, input, {
      action: "submit",
      reason: note,
      guard: (h) => requireOwner(h, actor),
      photos: { stage: "after", keys },
      notice: (f) => ({ text: hazardNotices.submitted(f), to: [verifierOf(f.hazard)] }),
    });
  }

  /** 复查通过, by someone who did not rectify. */
  async verify(id: number, actor: Person, input: ChangeInput & { note?: string } = {}): Promise<Hazard> {
    return this.change(id, actor, input, {
      action: "verify",
      reason: input.note?.trim() || null,
      guard: (h, tx) => requireNotRectifier(tx, h, actor),
      patch: () => ({ verifierId: actor.id }),
      notice: (f) => ({ text: hazardNotices.verified(f), to: [f.hazard.ownerId, f.hazard.supervisorId] }),
    });
  }

  /** 复查不通过: back to rectifying, with the reason sent to the owner. */
  async reject(id: number, actor: Person, input: ReasonInput): Promise<Hazard> {
    const reason = requireReason(input.reason);
    return this.change(id, actor, input, {
      action: "reject",
      reason,
      guard: (h, tx) => requireNotRectifier(tx, h, actor),
      patch: () => ({ verifierId: actor.id }),
      notice: (f) => ({ text: hazardNotices.rejected(f, reason), to: [f.hazard.ownerId] }),
    });
  }

  /** 领导签字 of a verified 重大隐患, by a deputy leader or the chief. */
  async signOff(id: number, actor: Person, input: ChangeInput = {}): Promise<Hazard> {
    const now = this.deps.clock.now();
    return this.change(id, actor, input, {
      action: "signoff",
      patch: () => ({ leaderSignoffBy: actor.id, leaderSignoffAt: now }),
      notice: (f) => ({ text: hazardNotices.signedOff(f), to: [f.hazard.supervisorId, f.hazard.verifierId] }),
    });
  }

  /** 销号 of a verified hazard (a 重大隐患 only once signed off). */
  async close(id: number, actor: Person, input: ChangeInput = {}): Promise<Hazard> {
    const now = this.deps.clock.now();
    return this.change(id, actor, input, {
      action: "close",
      patch: () => ({ closedAt: now }),
      notice: (f) => ({ text: hazardNotices.closed(f), to: [f.hazard.ownerId, f.hazard.supervisorId] }),
    });
  }

  /** 即知即改: fixed while the inspector stood there; closed in one step, with proof photos. */
  async fixOnSpot(id: number, actor: Person, input: FixOnSpotInput): Promise<Hazard> {
    const note = requireReason(input.note, "note");
    const keys = checkPhotoKeys(input.photoKeys, "photoKeys", true);
    const now = this.deps.clock.now();
    return this.change(id, actor, input, {
      action: "fix_on_spot",
      reason: note,
      patch: () => ({ closedAt: now }),
      photos: { stage: "proof", keys },
      notice: (f) => ({ text: hazardNotices.fixedOnSpot(f), to: [f.hazard.ownerId, f.hazard.supervisorId] }),
    });
  }

  /** 重新打开 a verified or closed hazard; the reason is required. Signature and closing are undone. */
  async reopen(id: number, actor: Person, input: ReasonInput): Promise<Hazard> {
    const reason = requireReason(input.reason);
    return this.change(id, actor, input, {
      action: "reopen",
      reason,
      patch: () => ({ closedAt: null, leaderSignoffBy: null, leaderSignoffAt: null }),
      notice: (f) => ({ text: hazardNotices.reopened(f, reason), to: [f.hazard.ownerId, f.hazard.supervisorId] }),
    });
  }

  /** An approved extension: the deadline moves (the nudge ladder keys on it and restarts). */
  async extendDeadline(id: number, actor: Person, input: ExtendInput): Promise<Hazard> {
    const reason = requireReason(input.reason);
    let why = reason;
    return this.change(id, actor, input, {
      action: "extend",
      reason: () => why,
      patch: async (h, tx) => {
        const approver = input.approverId ? await activePersonFor(tx, input.approverId, "approverId") : actor;
        if (!holdsRole(approver, APPROVER_ROLES)) throw Forbidden(`${approver.name} 无权批准延期：需行业部门监管负责人、行政负责人、分管负责人或主要负责人`, "hazard_extension_not_approvable");
        if (!h.deadline || input.deadline.getTime() <= h.deadline.getTime()) {
          throw Invalid("延期后的时限须晚于原时限", [{ where: "deadline", message: `须晚于 ${h.deadline ? formatLocal(h.deadline) : "原时限"}` }], "hazard_extension_not_later");
        }
        why = `${reason}（批准人：${approver.name}）`;
        return { deadline: input.deadline };
      },
      notice: (f) => ({ text: hazardNotices.extended(f, reason), to: [f.hazard.ownerId, f.hazard.supervisorId] }),
    });
  }

  /**
   * 转交: a new hazard that is another unit's business goes to that unit; its supervisor gets the
   * new-hazard card to 交办 it, and the one who handed it over is named there.
   */
  async transfer(id: number, actor: Person, input: TransferInput): Promise<Hazard> {
    const reason = requireReason(input.reason);
    let why = reason;
    return this.change(id, actor, input, {
      action: "transfer",
      reason: () => why,
      patch: async (h, tx) => {
        const { patch, note } = await transferPatch(tx, h, input.unitId);
        why = `${note}（原因：${reason}）`;
        return patch;
      },
      notice: (f) => {
        const handed = { ...f, from: `${actor.name}转交，原因：${reason}` };
        return { text: hazardNotices.reported(handed), message: reportedNoticeCard(handed), to: [f.hazard.supervisorId] };
      },
    });
  }

  /** A page of the hazards `viewer` may see that match `filter`. */
  list(viewer: Person, filter: HazardFilter): Promise<HazardPage> {
    return listHazards(this.deps.db.manager, { ...filter, visibleTo: filter.ownOnly ? viewer.id : visibilityOf(viewer) }, this.deps.clock.now());
  }

  /** One hazard with its ledger timeline and photos, if `viewer` may see it. */
  detail(viewer: Person, id: number): Promise<HazardDetail> {
    return hazardDetail(this.deps.db.manager, id, this.deps.clock.now(), visibilityOf(viewer));
  }

  private async change(id: number, actor: Person, input: ChangeInput, step: Step): Promise<Hazard> {
    const { db, clock, outbox, channels } = this.deps;
    // A replayed request (a chat turn whose reply failed) gets the hazard it already changed.
    if ((await earlierResult(db.manager, input.requestKey, `hazard:${step.action}`)) === id) return db.manager.findOneByOrFail(Hazard, { id });
    return applyChange(db, clock, id, {
      ...step,
      actor,
      expectedVersion: input.expectedVersion,
      after: async (tx, hazard) => {
        await recordResult(tx, input.requestKey, `hazard:${step.action}`, hazard.id, clock.now());
        if (step.photos) await addPhotos(tx, hazard.id, step.photos.stage, step.photos.keys, actor.id, clock.now());
        // The new-hazard cards already out are done with, however it was handled: their buttons grey out.
        const done = NOTICE_CARD_DONE[step.action];
        if (done) await greyOutSentCards(tx, outbox, noticeCardsOf(hazard.id), `已由${actor.name}${done}`);
        if (!step.notice) return;
        const { text, to, message } = step.notice(await factsOf(tx, hazard));
        await notifyHazard(tx, outbox, channels, { hazardId: hazard.id, action: step.action, version: hazard.version, level: hazard.level, text, to, ...(message ? { message } : {}) });
      },
    });
  }
}

/** What one verb adds to `applyChange`: its photos and its notice. */
interface Step {
  action: HazardAction;
  reason?: string | null | (() => string | null);
  guard?: (hazard: Hazard, tx: EntityManager) => Promise<void> | void;
  patch?: (hazard: Hazard, tx: EntityManager) => Promise<Partial<Hazard>> | Partial<Hazard>;
  photos?: { stage: "after" | "proof"; keys: string[] };
  notice?: (facts: NoticeFacts) => { text: string; to: (number | null)[]; message?: OutboundMessage };
}

const trimmed = (v: string | null | undefined): string | null => (v && v.trim() ? v.trim() : null);

/**
 * Supervising staff see every hazard; anyone else (an enterprise's own responsible person) only
 * their own enterprise's and what they own or reported.
 */
function visibilityOf(viewer: Person): number | undefined {
  return holdsRole(viewer, STAFF_ROLES) ? undefined : viewer.id;
}
