import type { EntityManager } from "typeorm";
import { Enterprise, Hazard, type OrgUnit, type Person } from "../../db/entities";
import { Forbidden, Invalid } from "../../errors";
import { earlierResult, recordResult } from "../requests/requestResults";
import { appendLedger } from "./ledger";
import { hazardNotices, type NoticeFacts } from "./messages";
import { notifyHazard } from "./notify";
import { reportedNoticeCard } from "./noticeCard";
import { addPhotos, checkPhotoKeys } from "./photos";
import { requireActionRole } from "./policy";
import { enforcementStageFor } from "./repeat";
import { type Route, routeToEnterprise, routeToPlace } from "./routing";
import type { CaseNumber } from "../kernel/numbering";
import { hazardNumbering } from "./numbering";
import type { HazardServiceDeps, ReportInput } from "./types";
import { HAZARD_LEVELS, HAZARD_SOURCES } from "./vocabulary";

/**
 * Reports a hazard: checks the input, routes it, numbers it (gap-free), and in one transaction
 * writes the hazard, its photos, the ledger's first line and the notices to owner and supervisor.
 */
export async function reportHazard(deps: HazardServiceDeps, reporter: Person, input: ReportInput): Promise<Hazard> {
  requireActionRole(reporter, "report");
  const clean = checkReport(reporter, input);
  const now = deps.clock.now();
  return hazardNumbering.open(deps.db, now, async (tx, nextNumber) => {
    const reported = await earlierResult(tx, input.requestKey, "hazard");
    if (reported !== null) return tx.findOneByOrFail(Hazard, { id: reported });
    const route = input.enterpriseId ? await routeToEnterprise(tx, input.enterpriseId) : await routeToPlace(tx, input.place!, reporter);
    const { stage, earlier } = await enforcementStageFor(tx, route.enterprise?.id ?? null, clean.category, now, deps.config.repeatWindowDays);
    const numbered = await nextNumber();
    const hazard = await tx.save(tx.create(Hazard, newHazardFields(input, clean, route, reporter, { ...numbered, now, stage })));
    await addPhotos(tx, hazard.id, "before", clean.photoKeys, reporter.id, now);
    const notes = [...route.notes, ...(earlier ? [`同一企业同类问题此前 ${earlier} 次（${deps.config.repeatWindowDays} 天内）`] : [])];
    const after = { number: hazard.number, level: hazard.level, unitId: hazard.unitId, ownerId: hazard.ownerId, supervisorId: hazard.supervisorId, enforcementStage: stage, listedForSupervision: hazard.listedForSupervision };
    await appendLedger(tx, { hazardId: hazard.id, at: now, actorId: reporter.id, action: "report", fromState: null, toState: "reported", reason: notes.join("；"), changes: { before: {}, after } });
    const facts: NoticeFacts = { hazard, place: placeOf(hazard, route.enterprise) };
    await announce(tx, deps, hazard, facts);
    await recordResult(tx, input.requestKey, "hazard", hazard.id, now);
    return hazard;
  });
}

interface CleanReport {
  category: string;
  description: string;
  photoKeys: string[];
}

function checkReport(reporter: Person, input: ReportInput): CleanReport {
  if (!HAZARD_SOURCES.includes(input.source)) throw Invalid("隐患来源不正确", [{ where: "source", message: "未知的来源" }]);
  if (!HAZARD_LEVELS.includes(input.level)) throw Invalid("隐患等级不正确", [{ where: "level", message: "应为一般隐患或重大隐患" }]);
  const isStaff = reporter.roles.some((r) => r !== "enterprise_owner");
  if (!isStaff && input.source !== "self_check") throw Forbidden("企业单位负责人只能上报企业自查发现的隐患", "hazard_self_check_only");
  if (Boolean(input.enterpriseId) === Boolean(input.place)) {
    throw Invalid("请选择企业，或填写隐患所在位置（二选一）", [{ where: "enterpriseId", message: "企业与位置须二选一" }], "hazard_location_required");
  }
  if (input.place && !input.place.locationText?.trim()) throw Invalid("请填写隐患所在位置", [{ where: "place.locationText", message: "不能为空" }], "hazard_location_required");
  const category = input.category?.trim() ?? "";
  const description = input.description?.trim() ?? "";
  if (!category) throw Invalid("请填写隐患类别", [{ where: "category", message: "不能为空" }]);
  if (!description) throw Invalid("请描述隐患情况", [{ where: "description", message: "不能为空" }]);
  const photoKeys = checkPhotoKeys(input.photoKeys, "photoKeys", input.source === "chat_photo");
  return { category, description, photoKeys };
}

function newHazardFields(input: ReportInput, clean: CleanReport, route: Route, reporter: Person, at: CaseNumber & { now: Date; stage: Hazard["enforcementStage"] }): Partial<Hazard> {
  return {
    number: at.number,
    year: at.year,
    seq: at.seq,
    source: input.source,
    state: "reported",
    level: input.level,
    category: clean.category,
    description: clean.description,
    enterpriseId: route.enterprise?.id ?? null,
    unitId: route.unitId,
    locationText: input.place?.locationText.trim() ?? null,
    latitude: input.place?.latitude ?? route.enterprise?.latitude ?? null,
    longitude: input.place?.longitude ?? route.enterprise?.longitude ?? null,
    reporterId: reporter.id,
    ownerId: route.ownerId,
    supervisorId: route.supervisorId,
    verifierId: null,
    // 重大隐患 are 挂牌督办 from the moment they are known.
    listedForSupervision: input.level === "major",
    enforcementStage: at.stage,
    reportedAt: at.now,
    updatedAt: at.now,
  };
}

/** Where a hazard is, in words, the same in every notice: its enterprise, else the place written down, else its unit. */
export function placeOf(
  hazard: Hazard,
  enterprise: Pick<Enterprise, "name"> | null | undefined,
  unit?: Pick<OrgUnit, "name"> | null,
): string {
  return enterprise?.name ?? hazard.locationText ?? unit?.name ?? "未注明地点";
}

/** The notice facts of a hazard, loading its enterprise's name. */
export async function factsOf(tx: EntityManager, hazard: Hazard): Promise<NoticeFacts> {
  const enterprise = hazard.enterpriseId ? await tx.findOne(Enterprise, { where: { id: hazard.enterpriseId } }) : null;
  return { hazard, place: placeOf(hazard, enterprise) };
}

/**
 * The supervisor gets the notice as a card to 交办 / 即知即改 / 转交 from; the owner (who cannot
 * 交办) reads the same words as text. The card keeps the `report` key the chat asks about.
 */
async function announce(tx: EntityManager, deps: HazardServiceDeps, hazard: Hazard, facts: NoticeFacts): Promise<void> {
  const base = { hazardId: hazard.id, version: hazard.version, level: hazard.level, text: hazardNotices.reported(facts) };
  await notifyHazard(tx, deps.outbox, deps.channels, { ...base, action: "report", message: reportedNoticeCard(facts), to: [hazard.supervisorId] });
  if (hazard.ownerId !== hazard.supervisorId) await notifyHazard(tx, deps.outbox, deps.channels, { ...base, action: "report_owner", to: [hazard.ownerId] });
}
