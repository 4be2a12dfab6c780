import { PublicTip, type Tip } from "../../db/entities";
import { Invalid } from "../../errors";
import type { MediaStore } from "../../media/MediaStore";
import { activeCategory } from "./categories";
import type { TipIdentity } from "./keys";
import { newQueryToken, newTrackingCode, tokenHash } from "./publicCodes";
import { storePublicPhotos } from "./publicPhotos";
import { checkTip, createTip } from "./report";
import { officersFor, unitOfPlace } from "./routing";
import type { PublicTipSettings, TipServiceDeps } from "./types";

const DAY_MS = 24 * 60 * 60 * 1000;
const MOBILE = /^1[3-9]\d{9}$/;

/** A tip from the form (H5 page or mini-program), as the route parsed it. */
export interface PublicTipInput {
  category?: string;
  description?: string;
  latitude?: number | null;
  longitude?: number | null;
  address?: string | null;
  name?: string | null;
  phone?: string | null;
  anonymous: boolean;
  photos: readonly Buffer[];
}

/** What the tipster is shown once: the code to read out and the token that opens the status. */
export interface PublicTipReceipt {
  tip: Tip;
  code: string;
  token: string;
}

/**
 * Files a tip from the public: checked before anything is stored, photos stored once, the
 * identity (if given and not anonymous) sealed like a chat tipster's, routed to the tip officers of
 * the unit where the place is, with a tracking code and a token whose hash alone is kept.
 */
export async function reportPublicTip(deps: TipServiceDeps & { media: MediaStore }, settings: PublicTipSettings, input: PublicTipInput): Promise<PublicTipReceipt> {
  const manager = deps.db.manager;
  const category = await activeCategory(manager, input.category?.trim());
  const place = { locationText: input.address?.trim() || null, latitude: input.latitude ?? null, longitude: input.longitude ?? null };
  checkTip({ content: input.description ?? "", place });
  // The category leads the stored content; with it the text must still fit, checked before any photo is stored.
  const content = `【${category.name}】${(input.description ?? "").trim()}`;
  checkTip({ content, place });
  const identity = identityOf(input);
  const now = deps.clock.now();
  const photoKeys = await storePublicPhotos(manager, deps.media, input.photos, settings.photoMaxBytes, now);
  const unitId = await unitOfPlace(manager, place);
  const officers = await officersFor(manager, unitId);
  const code = newTrackingCode();
  const token = newQueryToken();
  const tip = await createTip(
    deps,
    {
      source: "public",
      channel: "form",
      identity,
      lookupSubject: null,
      audience: officers.map((o) => o.id),
      alsoWrite: async (tx, created) => {
        await tx.insert(PublicTip, {
          tipId: created.id,
          trackingCode: code,
          tokenHash: tokenHash(deps.keys, code, token),
          categoryCode: category.code,
          unitId,
          verificationDueAt: new Date(now.getTime() + settings.verifyDays * DAY_MS),
          feedbackDueAt: null,
          nudged: null,
          publicFeedback: null,
          feedbackAt: null,
          rewardReference: null,
        });
      },
    },
    { content, place, photoKeys },
  );
  return { tip, code, token };
}

/** The tipster as they chose to give themselves; null when anonymous or nothing was given. */
function identityOf(input: PublicTipInput): TipIdentity | null {
  if (input.anonymous) return null;
  const name = input.name?.trim() || null;
  const mobile = input.phone?.replace(/[\s-]/g, "") || null;
  if (name && [...name].length > 30) throw Invalid("姓名不能超过 30 个字", [{ where: "name", message: "过长" }], "tip_name_invalid");
  if (mobile && !MOBILE.test(mobile)) throw Invalid("手机号应为 11 位数字", [{ where: "phone", message: "格式不正确" }], "tip_phone_invalid");
  if (!name && !mobile) throw Invalid("实名举报请填写姓名或手机号，或选择匿名举报", [{ where: "name", message: "实名举报需填写" }], "tip_identity_missing");
  return { personId: null, name, mobile, unit: null, accounts: {} };
}
