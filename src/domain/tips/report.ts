import type { EntityManager } from "typeorm";
import { Enterprise, OrgUnit, type Person, Tip } from "../../db/entities";
import { MAX_PHOTOS } from "../kernel/photos";
import { Forbidden, Invalid, NotFound } from "../../errors";
import { appendAudit } from "../audit/auditLog";
import { earlierResult, recordResult } from "../requests/requestResults";
import { accountsOf } from "../org/accounts";
import { type TipIdentity, personSubject } from "./keys";
import { tipNotices } from "./messages";
import { notifyTip, placeOfTip, type TipAudience } from "./notify";
import { tipNumbering } from "./numbering";
import { sourceOf } from "./policy";
import { tipPhotos } from "./photos";
import { newPseudonym } from "./pseudonym";
import type { ReportTipInput, TipServiceDeps } from "./types";
import type { TipChannel, TipSource } from "./vocabulary";

/** Shortest content taken: "有隐患" tells a verifier nothing. */
export const MIN_CONTENT_CHARS = 5;
export const MAX_CONTENT_CHARS = 2000;
/** Most photos one tip takes; a phone sends at most nine at once. */
export const MAX_TIP_PHOTOS = MAX_PHOTOS;

/** The audit log's actor for what the tipster did: never their person id. */
export const TIPSTER_ACTOR = "tipster";

/** A tip from someone in the directory (chat): their identity sealed, their tips findable by them alone. */
export async function reportTipByPerson(deps: TipServiceDeps, reporter: Person, input: ReportTipInput): Promise<Tip> {
  if (!reporter.active) throw Forbidden("该人员已停用，不能提交举报", "person_inactive");
  const unit = await deps.db.manager.findOne(OrgUnit, { where: { id: reporter.unitId } });
  const identity: TipIdentity = {
    personId: reporter.id,
    name: reporter.name,
    mobile: reporter.mobile,
    unit: unit?.name ?? null,
    accounts: Object.fromEntries((await accountsOf(deps.db.manager, [reporter.id])).get(reporter.id) ?? []),
  };
  return createTip(deps, { source: sourceOf(reporter), channel: "chat", identity, lookupSubject: personSubject(reporter.id) }, input);
}

/** Who tipped and how, as `createTip` takes it; the public form will pass its own. */
export interface TipOrigin {
  source: TipSource;
  channel: TipChannel;
  /** Null for an anonymous tip. */
  identity: TipIdentity | null;
  /** What the tipster later finds their tips by (`person:12`, or a tracking code); null when nothing. */
  lookupSubject: string | null;
  /** Whom the new-tip notice goes to: all tip officers unless the tip was routed (a public tip, by its place). */
  audience?: TipAudience;
  /** Rows of the tip's own kind (a public tip's tracking code), written in the tip's transaction. */
  alsoWrite?: (tx: EntityManager, tip: Tip) => Promise<void>;
}

/**
 * Checks the tip, numbers it (gap-free), seals the identity bound to the number, and in one
 * transaction writes the tip, its photos, its first audit line (actor `tipster`) and the notice
 * to the tip officers.
 */
export async function createTip(deps: TipServiceDeps, origin: TipOrigin, input: ReportTipInput): Promise<Tip> {
  const clean = checkTip(input);
  const now = deps.clock.now();
  // Stored as a keyed hash: the request (a chat event) must not join the tipster to the tip.
  const requestKey = input.requestKey && deps.keys.lookup(`request:${input.requestKey}`);
  return tipNumbering.open(deps.db, now, async (tx, nextNumber) => {
    const earlier = await earlierResult(tx, requestKey, "tip");
    if (earlier !== null) return tx.findOneByOrFail(Tip, { id: earlier });
    const enterprise = clean.enterpriseId ? await enterpriseById(tx, clean.enterpriseId) : null;
    const { year, seq, number } = await nextNumber();
    const tip = await tx.save(
      tx.create(Tip, {
        number,
        year,
        seq,
        source: origin.source,
        channel: origin.channel,
        state: "received",
        content: clean.content,
        enterpriseId: enterprise?.id ?? null,
        locationText: clean.locationText,
        latitude: clean.latitude ?? enterprise?.latitude ?? null,
        longitude: clean.longitude ?? enterprise?.longitude ?? null,
        pseudonym: newPseudonym(),
        reporterSealed: origin.identity ? deps.keys.seal(origin.identity, number) : null,
        identityKeyId: origin.identity ? deps.keys.keyId : null,
        reporterLookup: origin.lookupSubject ? deps.keys.lookup(origin.lookupSubject) : null,
        handlerId: null,
        dueAt: null,
        result: null,
        resolution: null,
        rewardState: null,
        rewardAmount: null,
        rewardPaidAt: null,
        reportedAt: now,
        acceptedAt: null,
        closedAt: null,
        updatedAt: now,
      }),
    );
    await tipPhotos.attach(tx, tip.id, clean.photoKeys, now);
    await origin.alsoWrite?.(tx, tip);
    await appendAudit(tx, { at: now, actor: TIPSTER_ACTOR, action: "tip.report", entityType: "tip", entityId: tip.id, after: { number, source: tip.source, channel: tip.channel, state: tip.state, photos: clean.photoKeys.length } });
    const facts = { tip, place: placeOfTip(tip, enterprise) };
    await notifyTip(tx, deps.outbox, deps.channels, { tip, action: "report", text: tipNotices.received(facts), to: origin.audience ?? "officers" });
    await recordResult(tx, requestKey, "tip", tip.id, now);
    return tip;
  });
}

interface CleanTip {
  content: string;
  enterpriseId: number | null;
  locationText: string | null;
  latitude: number | null;
  longitude: number | null;
  photoKeys: string[];
}

/** Refuses what a verifier could not act on, with the field at fault; never quotes the content back. */
export function checkTip(input: ReportTipInput): CleanTip {
  const content = input.content?.trim() ?? "";
  if ([...content].length < MIN_CONTENT_CHARS) throw Invalid(`请把举报的情况说清楚（至少 ${MIN_CONTENT_CHARS} 个字）`, [{ where: "content", message: "内容过短" }], "tip_content_too_short");
  if ([...content].length > MAX_CONTENT_CHARS) throw Invalid(`举报内容不能超过 ${MAX_CONTENT_CHARS} 个字`, [{ where: "content", message: "内容过长" }], "tip_content_too_long");
  const locationText = input.place?.locationText?.trim() || null;
  if (locationText && [...locationText].length > 255) throw Invalid("地点描述不能超过 255 个字", [{ where: "place.locationText", message: "过长" }]);
  const latitude = input.place?.latitude ?? null;
  const longitude = input.place?.longitude ?? null;
  if ((latitude === null) !== (longitude === null) || (latitude !== null && (Math.abs(latitude) > 90 || Math.abs(longitude as number) > 180))) {
    throw Invalid("位置坐标不正确", [{ where: "place", message: "经纬度须成对且在有效范围内" }], "tip_location_invalid");
  }
  const photoKeys = tipPhotos.check(input.photoKeys, { required: false });
  return { content, enterpriseId: input.enterpriseId ?? null, locationText, latitude, longitude, photoKeys };
}

// A tip about a deactivated enterprise still counts: a closed business may be operating illegally.
async function enterpriseById(tx: EntityManager, id: number): Promise<Enterprise> {
  const enterprise = await tx.findOne(Enterprise, { where: { id } });
  if (!enterprise) throw NotFound("该企业", "enterprise_not_found");
  return enterprise;
}
