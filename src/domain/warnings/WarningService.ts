import type { EntityManager } from "typeorm";
import { type Clock, formatLocal, systemClock } from "../../clock";
import type { Database } from "../../db/Database";
import { isDuplicateKeyError } from "../../db/dialect";
import { type Callout, OrgUnit, type Person, WarningMessage } from "../../db/entities";
import { AppError } from "../../errors";
import type { CalloutService } from "../callouts";
import { type CalloutState, LEVELS, WARNING_TYPES, type WarningLevel, type WarningType } from "../callouts/vocabulary";
import { type RoleCode, roles as roleWords } from "../org/vocabulary";
import { type AreaMatch, matchAreas } from "./areas";
import { type Chain, findMessage, peopleCalledIn, resolveChain } from "./chain";
import type { WarningIdentity, WarningOutcome } from "./identity";
import { type Selected, selectPeople } from "./recipients";
import { DEFAULT_WARNING_RULES, selectRules, type WarningRule } from "./rules";

/** A warning as the edge parsed it from CAP XML or the JSON form. */
export interface WarningInput {
  type: WarningType;
  level: WarningLevel;
  /** Unit names or codes, as the publisher wrote them. */
  areas: string[];
  validFrom: Date | null;
  validTo: Date | null;
  /** The publisher's headline; a title is made from type and level when absent. */
  headline: string | null;
  text: string;
}

/**
 * One received message: who published it and which message it is (null when it names no
 * identifier: then it is an alert like any other), and the warning — null only for a cancellation.
 */
export interface WarningMessageInput {
  identity: WarningIdentity | null;
  warning: WarningInput | null;
}

/** The draft made from a warning, as the initiator checks it before sending. */
export interface WarningDraft {
  calloutId: number;
  title: string;
  warningType: WarningType;
  level: WarningLevel;
  answerMinutes: number;
  total: number;
  areas: { code: string; name: string }[];
  unknownAreas: string[];
  byUnit: { code: string; name: string; count: number }[];
  byRole: { role: string; label: string; count: number }[];
}

/** What receiving a message did. */
export interface IntakeResult {
  outcome: WarningOutcome;
  /** The same message (sender and identifier) was received before: nothing was done again. */
  duplicate: boolean;
  /** The campaign the message started, or the one it was recorded against or ended. */
  calloutId: number | null;
  /** The new draft, when one was made by this request. */
  draft: WarningDraft | null;
  /** The campaign the new draft follows (replaced, escalated, extended), or an update was recorded against. */
  supersedes: number | null;
  /** Campaigns this message ended. */
  cancelled: number[];
  /** What happened, for the officer. */
  message: string;
}

export interface WarningServiceDeps {
  db: Database;
  callouts: CalloutService;
  /** Stamps received messages; the system clock unless a test sets one. */
  clock?: Clock;
  rules?: readonly WarningRule[];
}

const unknownAreaError = (unknown: string[], partialHelps: boolean) =>
  new AppError(
    "warning_unknown_area",
    `以下预警区域在本县单位中找不到：${unknown.join("、")}。请核对名称或改用单位编码${partialHelps ? "；如只叫应已识别的区域，请加参数 ?partial=1 重新提交" : ""}`,
    422,
    { unknownAreas: unknown },
  );

const RANK: Readonly<Record<WarningLevel, number>> = { blue: 1, yellow: 2, orange: 3, red: 4 };

const STATES: Readonly<Record<CalloutState, string>> = { draft: "草稿", sent: "进行中", closed: "已截止", cancelled: "已取消" };

/**
 * Weather warnings to 叫应 drafts: areas × the rule table's roles, never sent without a person's
 * check. Messages with an identifier are kept (warning_messages), which decides what a message
 * does to the campaigns of its warning:
 *
 * - the same message again (sender + identifier) does nothing and answers with the first one's
 *   campaign (`duplicate`), also when the two arrive at the same moment;
 * - an Alert, or an Update whose earlier message was never received, makes a draft (`created`);
 * - an Update of a warning whose campaign is still an unsent draft replaces the draft
 *   (`replaced`: the stale one is withdrawn, so nobody sends yesterday's text);
 * - an Update that raises the level makes a new draft for everyone the new level calls
 *   (`escalated`: shorter deadline, 落实措施 at 红/橙) while the running campaign goes on — the
 *   answers already given still count there, and the new card says the level rose;
 * - an Update at the same or a lower level makes a draft only for people its areas add
 *   (`extended`); otherwise it is kept and nothing is sent (`recorded`): calling a whole county
 *   again for a corrected text or a later expiry would teach people to ignore the card;
 * - a Cancel (预警解除) ends the warning's open campaigns: drafts are withdrawn, running campaigns
 *   stop and everyone called is told the warning was lifted (`cancelled`; `unchanged` when all
 *   had already closed). A cancellation of a warning never received is refused.
 */
export class WarningService {
  private readonly rules: readonly WarningRule[];
  private readonly clock: Clock;

  constructor(private readonly deps: WarningServiceDeps) {
    this.rules = deps.rules ?? DEFAULT_WARNING_RULES;
    this.clock = deps.clock ?? systemClock;
  }

  /**
   * Any unknown area refuses the whole warning (422) unless `partial`: a misspelt village must not
   * silently go uncalled. With `partial`, the known areas are called and the unknown ones listed.
   */
  async receive(actor: Person, m: WarningMessageInput, opts: { partial: boolean }): Promise<IntakeResult> {
    // A cancellation may name what it lifts without an identifier of its own: then it is not kept.
    const id = m.identity?.identifier ? m.identity : null;
    if (id) {
      const known = await findMessage(this.deps.db.manager, id);
      if (known) return this.repeat(known);
    }
    try {
      return await this.act(actor, m, opts);
    } catch (err) {
      // A twin of this message committed first: its work stands, this one's rolled back.
      if (id && isDuplicateKeyError(err)) {
        const known = await findMessage(this.deps.db.manager, id);
        if (known) return this.repeat(known);
      }
      throw err;
    }
  }

  private async act(actor: Person, m: WarningMessageInput, opts: { partial: boolean }): Promise<IntakeResult> {
    const id = m.identity;
    const chain = id && id.msgType !== "Alert" ? await resolveChain(this.deps.db.manager, id.references) : null;
    if (id?.msgType === "Cancel") {
      if (!chain) {
        throw new AppError("warning_reference_unknown", "该解除预警所指的预警未曾接收（或未注明 references），没有可取消的叫应", 422, { references: id.references });
      }
      return this.lift(actor, id, chain);
    }
    const w = m.warning as WarningInput;
    const areas = await matchAreas(this.deps.db.manager, w.areas);
    if (areas.units.length === 0) throw unknownAreaError(areas.unknown.length ? areas.unknown : ["（未指定区域）"], false);
    if (areas.unknown.length && !opts.partial) throw unknownAreaError(areas.unknown, true);
    const people = await selectPeople(this.deps.db.manager, areas.units, selectRules(this.rules, w.type, w.level), this.clock.now());
    const stale = chain?.drafts ?? [];
    const running = chain?.sent[chain.sent.length - 1] ?? null;
    if (!running) return this.draft(actor, id, chain, w, areas, people, stale.length ? "replaced" : "created", null, stale);
    if (RANK[w.level] > RANK[running.level]) return this.draft(actor, id, chain, w, areas, people, "escalated", running, stale);
    const called = await peopleCalledIn(this.deps.db.manager, chain as Chain);
    const newcomers = people.filter((s) => !called.has(s.person.id));
    if (newcomers.length) return this.draft(actor, id, chain, w, areas, newcomers, "extended", running, stale);
    await this.deps.db.transaction(async (tx) => {
      await this.withdrawStale(tx, actor, stale);
      await record(tx, this.clock.now(), actor, id, chain, { level: w.level, calloutId: running.id, outcome: "recorded" });
    });
    return {
      outcome: "recorded",
      duplicate: false,
      calloutId: running.id,
      draft: null,
      supersedes: running.id,
      cancelled: stale.map((c) => c.id),
      message: `预警更新已记录：等级未升高、区域内没有新增人员，叫应 #${running.id}（${STATES[running.state]}）照常进行，不重复叫应`,
    };
  }

  /** Unsent drafts of the chain: an update makes them stale, so nobody sends yesterday's warning. */
  private async withdrawStale(tx: EntityManager, actor: Person, stale: readonly Callout[]): Promise<void> {
    for (const c of stale) await this.deps.callouts.endForWarning(tx, actor, c.id, "warning_replaced");
  }

  /** A new draft (and, replacing an unsent one, its withdrawal) committed together with the message's record. */
  private async draft(actor: Person, id: WarningIdentity | null, chain: Chain | null, w: WarningInput, areas: AreaMatch, people: Selected[], outcome: WarningOutcome, previous: Callout | null, stale: readonly Callout[] = []): Promise<IntakeResult> {
    if (people.length === 0) throw new AppError("warning_no_recipients", "按预警区域和叫应规则没有找到任何人员，请改用叫应接口直接指定人员", 422);
    const title = clip(w.headline ?? `${WARNING_TYPES[w.type]}${LEVELS[w.level]}预警叫应`, 100);
    const c = await this.deps.db.transaction(async (tx) => {
      await this.withdrawStale(tx, actor, stale);
      const created = await this.deps.callouts.createIn(tx, actor, {
        title,
        text: clip(composeText(w, outcome, previous), 2000),
        warningType: w.type,
        level: w.level,
        // Red and orange ask for 落实措施 (停工、撤离) as well as 收到.
        requiresReport: w.level === "red" || w.level === "orange",
        rules: [],
        personIds: people.map((s) => s.person.id),
        remindEveryMinutes: 5,
        maxReminders: 2,
      });
      if (id) await record(tx, this.clock.now(), actor, id, chain, { level: w.level, calloutId: created.id, outcome });
      return created;
    });
    const draft: WarningDraft = {
      calloutId: c.id,
      title,
      warningType: w.type,
      level: w.level,
      answerMinutes: c.answerMinutes,
      total: people.length,
      areas: areas.units.map((u) => ({ code: u.code, name: u.name })),
      unknownAreas: areas.unknown,
      ...(await this.summarize(people)),
    };
    const voided = stale.length ? `；未发送的草稿 ${stale.map((x) => `#${x.id}`).join("、")} 已作废` : "";
    const words: Record<string, string> = {
      created: "已生成叫应草稿",
      replaced: "预警已更新，已按更新后的预警生成叫应草稿",
      escalated: `预警等级已升高，已按新等级生成叫应草稿；原叫应 #${previous?.id} 继续进行`,
      extended: `预警区域扩大，已为新增的 ${people.length} 人生成叫应草稿；原叫应 #${previous?.id} 继续进行`,
    };
    return { outcome, duplicate: false, calloutId: c.id, draft, supersedes: previous?.id ?? stale[stale.length - 1]?.id ?? null, cancelled: stale.map((x) => x.id), message: `${words[outcome] ?? ""}${voided}` };
  }

  /** 预警解除: every open campaign of the warning ends, and the cancellation is kept. */
  private async lift(actor: Person, id: WarningIdentity, chain: Chain): Promise<IntakeResult> {
    const ended = await this.deps.db.transaction(async (tx) => {
      const done: number[] = [];
      for (const c of chain.callouts) {
        const before = await this.deps.callouts.endForWarning(tx, actor, c.id, "warning_lifted");
        if (before === "draft" || before === "sent") done.push(c.id);
      }
      await record(tx, this.clock.now(), actor, id, chain, { level: null, calloutId: chain.callouts[chain.callouts.length - 1]?.id ?? null, outcome: done.length ? "cancelled" : "unchanged" });
      return done;
    });
    return {
      outcome: ended.length ? "cancelled" : "unchanged",
      duplicate: false,
      calloutId: chain.callouts[chain.callouts.length - 1]?.id ?? null,
      draft: null,
      supersedes: null,
      cancelled: ended,
      message: ended.length ? `预警已解除，已取消叫应 ${ended.map((n) => `#${n}`).join("、")}，已通知的人员会收到解除通知` : "预警已解除；相关叫应均已结束，无需取消",
    };
  }

  /** The same message again: what the first one did, with its campaign as it stands now. */
  private repeat(known: WarningMessage): IntakeResult {
    return {
      outcome: known.outcome,
      duplicate: true,
      calloutId: known.calloutId,
      draft: null,
      supersedes: null,
      cancelled: [],
      message: `该预警消息（${publisher(known.sender)}标识“${known.identifier}”）已于 ${formatLocal(known.receivedAt)} 接收，未重复处理${known.calloutId ? `；对应叫应 #${known.calloutId}` : ""}`,
    };
  }

  private async summarize(people: readonly Selected[]): Promise<Pick<WarningDraft, "byUnit" | "byRole">> {
    const units = new Map((await this.deps.db.manager.find(OrgUnit)).map((u) => [u.id, u]));
    const byUnit = new Map<number, number>();
    const byRole = new Map<RoleCode, number>();
    for (const s of people) {
      byUnit.set(s.person.unitId, (byUnit.get(s.person.unitId) ?? 0) + 1);
      for (const r of s.because) byRole.set(r, (byRole.get(r) ?? 0) + 1);
    }
    return {
      byUnit: [...byUnit].map(([id, count]) => ({ code: units.get(id)?.code ?? "", name: units.get(id)?.name ?? "", count })),
      byRole: [...byRole].map(([role, count]) => ({ role, label: roleWords.label(role), count })),
    };
  }
}

/** Keeps the message with what it did; its unique key fails here for a twin that got in first. */
async function record(tx: EntityManager, now: Date, actor: Person, id: WarningIdentity | null, chain: Chain | null, what: Pick<WarningMessage, "level" | "calloutId" | "outcome">): Promise<void> {
  if (!id?.identifier) return;
  await tx.insert(WarningMessage, {
    sender: id.sender,
    identifier: id.identifier,
    msgType: id.msgType,
    rootId: chain?.rootId ?? null,
    receivedBy: actor.id,
    receivedAt: now,
    ...what,
  });
}

function composeText(w: WarningInput, outcome: WarningOutcome, previous: Callout | null): string {
  const from = w.validFrom ? formatLocal(w.validFrom) : null;
  const to = w.validTo ? formatLocal(w.validTo) : null;
  const validity = from || to ? `\n有效时间：${from ?? "即日起"} 至 ${to ?? "另行通知"}` : "";
  const lead = outcome === "escalated" && previous ? `【预警升级：${LEVELS[previous.level]} → ${LEVELS[w.level]}】` : outcome === "extended" ? "【预警范围扩大】" : "";
  return `${lead}${w.text.trim()}${validity}`;
}

const publisher = (sender: string): string => {
  const name = sender.replace(/^json:/, "");
  return name ? `发布单位“${name}”，` : "";
};

const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
