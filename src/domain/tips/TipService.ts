import type { EntityManager } from "typeorm";
import { type Enterprise, type Person, Person as PersonEntity, PublicTip, type Tip, Tip as TipEntity } from "../../db/entities";
import { AppError, Invalid, NotFound } from "../../errors";
import { searchEnterprises } from "../org/enterprises";
import { personSubject } from "./keys";
import { tipNotices } from "./messages";
import { notifyTip, tipFactsOf } from "./notify";
import { isRewardApprover, isStaff, isTipOfficer, requireRewardApprover, requireTipOfficer } from "./policy";
import { listTips, tipDetail, tipsByLookup, type TipDetail, type TipFilter, type TipPage, type TipViewer } from "./queries";
import { reportTipByPerson } from "./report";
import { type CategoryInput, type CategoryView, listCategories, saveCategory } from "./categories";
import { type PublicTipInput, type PublicTipReceipt, reportPublicTip } from "./publicReport";
import { DEFAULT_PUBLIC_TIP_SETTINGS } from "./types";
import { type PublicTipStatus, publicStatus, publicTipOf } from "./publicStatus";
import { writePublicFeedback } from "./feedback";
import { routeTipToUnit } from "./reroute";
import { linkTipToHazard, type TipForHazard, tipForHazard, tipOfHazard } from "./toHazard";
import { rewardLedgerXlsx, rewardLines } from "./rewardLedger";
import { type Open311Query, type Open311Request, open311Requests } from "./open311";
import { revealReporter, type RevealedReporter, type RevealInput } from "./reveal";
import { applyTipChange, tipNotFound, type TipChangeSpec } from "./transition";
import type { AcceptTipInput, AssignTipInput, CloseTipInput, RejectTipInput, ReportTipInput, RewardPaidInput, RewardTipInput, TipChangeInput, TipServiceDeps } from "./types";
import { TIP_RESULTS } from "./vocabulary";

const MAX_NOTE_CHARS = 1000;

/**
 * Tips (举报): received → verifying → closed (属实 / 不属实), or rejected; rewards for substantiated
 * ones. Who tipped is sealed at rest; only a tip officer can reveal it, and every reveal is audited.
 * Every verb is one transaction: the tip, its audit line and its notices commit together.
 */
export class TipService {
  constructor(private readonly deps: TipServiceDeps) {}

  /** A tip from someone in the directory; they are told its number, handlers see only its pseudonym. */
  async report(reporter: Person, input: ReportTipInput): Promise<Tip> {
    return reportTipByPerson(this.deps, reporter, input);
  }

  /** A tip from the public (H5 form, mini-program): routed by its place, followed by code and token. */
  async reportPublic(input: PublicTipInput): Promise<PublicTipReceipt> {
    const { media } = this.deps;
    if (!media) throw new AppError("public_tips_unavailable", "暂不受理网上举报，请拨打 12350 举报热线", 503);
    return reportPublicTip({ ...this.deps, media }, this.deps.publicTips ?? DEFAULT_PUBLIC_TIP_SETTINGS, input);
  }

  /** What the holder of a tip's code and token may see; the same 404 for a wrong token as for no such code. */
  async publicStatus(code: string, token: string): Promise<PublicTipStatus> {
    return publicStatus(this.deps.db.manager, this.deps.keys, code, token);
  }

  /** Public tips as Open311 service requests; `trusted` (an API key) sees open tips' descriptions and places. */
  async open311Requests(query: Open311Query, trusted: boolean): Promise<Open311Request[]> {
    return open311Requests(this.deps.db.manager, query, trusted, this.deps.clock.now());
  }

  /** 反馈 to the public (the lookup and Open311 show it at once); a tip officer or the tip's handler. */
  async writeFeedback(id: number, actor: Person, text: string): Promise<void> {
    await writePublicFeedback(this.deps, id, actor, text);
  }

  /** 转交单位: an open public tip to another unit, whose tip officers are told (tip officers only). */
  async routeToUnit(id: number, actor: Person, input: { unitId: number; expectedVersion?: number }): Promise<Tip> {
    return routeTipToUnit(this.deps, id, actor, input);
  }

  /** 举报奖励台账 of a period (Shanghai dates, both included) as xlsx: numbers and amounts, never a tipster. */
  async rewardLedger(from: string, to: string): Promise<Buffer> {
    const start = new Date(`${from}T00:00:00+08:00`);
    const end = new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86_400_000);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw Invalid("日期应为 YYYY-MM-DD", [{ where: "from", message: "日期格式不正确" }], "tip_ledger_period_invalid");
    return rewardLedgerXlsx(await rewardLines(this.deps.db.manager, start, end), `举报奖励台账（${from} 至 ${to}）`);
  }

  /** 转为隐患, step one: what the hazard starts from (the route reports it through the hazards service). */
  async forHazard(id: number, actor: Person): Promise<TipForHazard> {
    return tipForHazard(this.deps, id, actor);
  }

  /** 转为隐患, step two: the link, both ways, audited on the tip. */
  async linkHazard(id: number, hazard: { id: number; number: string }, actor: Person): Promise<void> {
    await linkTipToHazard(this.deps, id, hazard, actor);
  }

  /** The tip a hazard came from, if it came from one. */
  async tipOfHazard(hazardId: number): Promise<number | null> {
    return tipOfHazard(this.deps, hazardId);
  }

  /** The tip id an Open311 token (`code.secret`) stands for; the same 404 as a lookup when it does not fit. */
  async tipIdOfToken(code: string, token: string): Promise<number> {
    return (await publicTipOf(this.deps.db.manager, this.deps.keys, code, token)).tip.id;
  }

  /** The categories: the active ones for the public, all of them for staff. */
  async categories(options: { activeOnly: boolean }): Promise<CategoryView[]> {
    return listCategories(this.deps.db.manager, options);
  }

  /** Creates or edits a category (administrators; the route checks the role). */
  async saveCategory(code: string, input: CategoryInput): Promise<CategoryView> {
    return saveCategory(this.deps.db.manager, code, input, this.deps.clock.now());
  }

  /** 受理: names the handler (the officer by default) and, if given, the 办理时限. */
  async accept(id: number, actor: Person, input: AcceptTipInput = {}): Promise<Tip> {
    return this.change(id, actor, input, {
      action: "accept",
      guard: () => requireTipOfficer(actor, "受理举报"),
      patch: async (_tip, tx) => ({ handlerId: (await this.handler(tx, input.handlerId ?? actor.id)).id, dueAt: this.dueAt(input.dueAt), acceptedAt: this.deps.clock.now() }),
      after: (tx, tip) => this.tellHandler(tx, tip, actor),
    });
  }

  /** 改派: another handler for a tip being verified. */
  async assign(id: number, actor: Person, input: AssignTipInput): Promise<Tip> {
    return this.change(id, actor, input, {
      action: "assign",
      guard: () => requireTipOfficer(actor, "改派举报"),
      patch: async (tip, tx) => ({ handlerId: (await this.handler(tx, input.handlerId)).id, dueAt: input.dueAt === undefined ? tip.dueAt : this.dueAt(input.dueAt) }),
      after: (tx, tip, before) => (tip.handlerId !== before.handlerId ? this.tellHandler(tx, tip, actor) : Promise.resolve()),
    });
  }

  /** 办结 with what verification found, by the handler or a tip officer; a handler's result goes to the officers. */
  async close(id: number, actor: Person, input: CloseTipInput): Promise<Tip> {
    if (!TIP_RESULTS.includes(input.result)) throw Invalid("核查结果应为属实或不属实", [{ where: "result", message: "应为 substantiated 或 unsubstantiated" }], "tip_result_invalid");
    const note = requireText(input.note, "note", "请填写核查情况");
    return this.change(id, actor, input, {
      action: "close",
      guard: (tip) => {
        if (!isTipOfficer(actor) && tip.handlerId !== actor.id) throw tipNotFound();
      },
      patch: () => ({ result: input.result, resolution: note, closedAt: this.deps.clock.now() }),
      after: async (tx, tip) => {
        if (isTipOfficer(actor)) return;
        await notifyTip(tx, this.deps.outbox, this.deps.channels, { tip, action: "close", text: tipNotices.closed(await tipFactsOf(tx, tip)), to: "officers" });
      },
    });
  }

  /** 不予受理, with the reason (the tipster sees it under 我的举报). */
  async reject(id: number, actor: Person, input: RejectTipInput): Promise<Tip> {
    const reason = requireText(input.reason, "reason", "请填写不予受理的原因");
    return this.change(id, actor, input, {
      action: "reject",
      guard: () => requireTipOfficer(actor, "决定不予受理"),
      patch: () => ({ resolution: reason, closedAt: this.deps.clock.now() }),
    });
  }

  /** 决定奖励 for a substantiated tip, in whole yuan. */
  async reward(id: number, actor: Person, input: RewardTipInput): Promise<Tip> {
    if (!Number.isInteger(input.amount) || input.amount <= 0) throw Invalid("奖励金额应为正整数（元）", [{ where: "amount", message: "应为正整数" }], "tip_reward_amount_invalid");
    return this.change(id, actor, input, {
      action: "reward",
      guard: () => requireTipOfficer(actor, "决定举报奖励"),
      patch: () => ({ rewardState: "pending", rewardAmount: input.amount }),
    });
  }

  /** 审批奖励: a leader (主要负责人 / 分管负责人) approves the proposed amount. */
  async approveReward(id: number, actor: Person, input: TipChangeInput = {}): Promise<Tip> {
    return this.change(id, actor, input, {
      action: "reward_approve",
      guard: () => requireRewardApprover(actor),
      patch: () => ({ rewardState: "approved" }),
    });
  }

  /** 奖励兑现: the approved reward has been paid, with the payment's reference (凭证号) when there is one. */
  async markRewardPaid(id: number, actor: Person, input: RewardPaidInput = {}): Promise<Tip> {
    const reference = input.reference?.trim() || null;
    if (reference && [...reference].length > 64) throw Invalid("凭证号不能超过 64 个字", [{ where: "reference", message: "过长" }], "tip_reward_reference_invalid");
    return this.change(id, actor, input, {
      action: "reward_paid",
      guard: () => requireTipOfficer(actor, "登记奖励兑现"),
      patch: () => ({ rewardState: "paid", rewardPaidAt: this.deps.clock.now() }),
      after: async (tx, tip) => {
        if (reference) await tx.update(PublicTip, { tipId: tip.id }, { rewardReference: reference });
      },
    });
  }

  /** Who tipped, for a tip officer with a reason; audited (who, when, why), never logged. */
  async revealReporter(id: number, actor: Person, input: RevealInput): Promise<RevealedReporter> {
    return revealReporter(this.deps, id, actor, input);
  }

  /** A page of the tips `viewer` may see: all for tip officers, the ones they handle for anyone else. */
  async list(viewer: Person, filter: TipFilter = {}): Promise<TipPage> {
    return listTips(this.deps.db.manager, viewerOf(viewer), filter, this.deps.clock.now(), this.feedbackDays);
  }

  private get feedbackDays(): number {
    return (this.deps.publicTips ?? DEFAULT_PUBLIC_TIP_SETTINGS).feedbackDays;
  }

  /** One tip with photos and timeline, if `viewer` may see it. */
  async detail(viewer: Person, id: number): Promise<TipDetail> {
    return tipDetail(this.deps.db.manager, viewerOf(viewer), id, this.deps.clock.now(), this.feedbackDays);
  }

  /** 我的举报: the tips this person submitted, newest first. */
  async mine(person: Person, limit = 10): Promise<Tip[]> {
    return tipsByLookup(this.deps.db.manager, this.deps.keys.lookup(personSubject(person.id)), limit);
  }

  /** How many tips were sealed under a key other than the current one (their tipsters cannot be revealed). */
  async sealedUnderOtherKeys(): Promise<number> {
    return this.deps.db.manager.createQueryBuilder(TipEntity, "t").where("t.identity_key_id IS NOT NULL AND t.identity_key_id <> :keyId", { keyId: this.deps.keys.keyId }).getCount();
  }

  /** Enterprises a tipster may mean by `text`. */
  async findEnterprises(text: string, limit: number): Promise<Enterprise[]> {
    return searchEnterprises(this.deps.db.manager, text, limit);
  }

  private change(id: number, actor: Person, input: TipChangeInput, spec: Omit<TipChangeSpec, "actor" | "expectedVersion">): Promise<Tip> {
    return applyTipChange(this.deps, id, { ...spec, actor, expectedVersion: input.expectedVersion });
  }

  /** A handler must be active staff: an enterprise's own people never verify tips (they may be what the tip is about). */
  private async handler(tx: EntityManager, id: number): Promise<Person> {
    const person = await tx.findOne(PersonEntity, { where: { id } });
    if (!person) throw NotFound("该人员", "person_not_found");
    if (!person.active) throw Invalid(`${person.name} 已停用，不能核查举报`, [{ where: "handlerId", message: "人员已停用" }], "person_inactive");
    if (!isStaff(person)) throw Invalid(`${person.name} 不是监管工作人员，不能核查举报`, [{ where: "handlerId", message: "需为工作人员" }], "tip_handler_not_staff");
    return person;
  }

  private dueAt(dueAt: Date | null | undefined): Date | null {
    if (!dueAt) return null;
    if (dueAt.getTime() <= this.deps.clock.now().getTime()) throw Invalid("办理时限须晚于当前时间", [{ where: "dueAt", message: "须晚于当前时间" }], "tip_due_in_past");
    return dueAt;
  }

  private async tellHandler(tx: EntityManager, tip: Tip, actor: Person): Promise<void> {
    if (tip.handlerId === null || tip.handlerId === actor.id) return;
    await notifyTip(tx, this.deps.outbox, this.deps.channels, { tip, action: "assign", text: tipNotices.assigned(await tipFactsOf(tx, tip)), to: [tip.handlerId] });
  }
}

function viewerOf(person: Person): TipViewer {
  return { personId: person.id, officer: isTipOfficer(person), approver: isRewardApprover(person) };
}

function requireText(value: string | undefined | null, field: string, message: string): string {
  const text = value?.trim() ?? "";
  if (!text) throw Invalid(message, [{ where: field, message: "不能为空" }], "tip_text_required");
  if ([...text].length > MAX_NOTE_CHARS) throw Invalid(`不能超过 ${MAX_NOTE_CHARS} 个字`, [{ where: field, message: "过长" }]);
  return text;
}
