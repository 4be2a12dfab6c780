import type { ChannelId } from "../../channels/channel";
import type { Clock } from "../../clock";
import { isDuplicateKeyError } from "../../db/dialect";
import type { Database } from "../../db/Database";
import { Digest } from "../../db/entities/Digest";
import { Person } from "../../db/entities";
import { Forbidden, Invalid, NotFound } from "../../errors";
import { type OutboxService, resolveRecipients } from "../outbox";
import type { QuotaService } from "../quotas";
import { atHour, isDay, localDay, localHour, mondayOf } from "../quotas/calendar";
import { bytesOf, type ComposeOptions, composeDigest } from "./compose";
import type { DutySource } from "./duty";
import { type DigestFigures, digestFigures } from "./figures";
import { choiceOf, choicesOf, type DigestChoice, saveChoice } from "./settings";
import { digestRecipients, scopeOf, unitOf } from "./scope";
import { UnitTally } from "./tally";
import { composeWeekly, weeklyFigures, type WeeklyFigures } from "./weekly";

export interface DigestConfig {
  /** DIGEST_HOUR: the Shanghai hour digests go out unless a leader chose another. */
  hour: number;
  /** DIGEST_RECIPIENTS: mobiles of people who get a digest without holding a leader's role. */
  recipients: readonly string[];
  /** The admin dashboard's address for the digest's closing link (PUBLIC_BASE_URL + /admin/); null: no link. */
  dashboardUrl?: string | null;
}

export interface DigestServiceDeps {
  db: Database;
  clock: Clock;
  outbox: Pick<OutboxService, "enqueue">;
  quotas: QuotaService;
  channels: readonly ChannelId[];
  config: DigestConfig;
  /** Today's duty for the duty section; absent until the duty feature provides it. */
  duty?: DutySource | null;
}

/** A digest as built for one leader and day, before or without sending. */
export interface DigestPreview {
  personId: number;
  name: string;
  day: string;
  markdown: string;
  bytes: number;
  figures: DigestFigures;
}

/** What one tick did. */
export interface DigestRun {
  sent: number;
  late: number;
  weekly: number;
}

/** What DingTalk adds to each line break (two spaces: src/channels/dingtalk/markdown.ts). */
const DINGTALK_LINE_BREAK_BYTES = 2;

/** A tick more than this after the hour means the digest went out late (a missed tick, a restart). */
const LATE_AFTER_MS = 15 * 60_000;

/**
 * 每日简报: one digest per leader per Shanghai day, scoped to the units they lead. `runDue` sends
 * every digest whose hour has come and that is not yet in the `digests` table; the row and the
 * outbox message commit together and the row's unique key refuses a second one, so several
 * instances, restarts and missed ticks give exactly one digest — late rather than never.
 */
export class DigestService {
  constructor(private readonly deps: DigestServiceDeps) {}

  /** What `personId` gets (or got) on `day`, without sending it. */
  async preview(personId: number, day?: string): Promise<DigestPreview> {
    const now = this.deps.clock.now();
    const date = day ?? localDay(now);
    if (!isDay(date)) throw Invalid("日期应为 YYYY-MM-DD", undefined, "invalid_date");
    const person = await this.deps.db.manager.findOne(Person, { where: { id: personId } });
    if (!person) throw NotFound("该人员", "person_not_found");
    const choice = await choiceOf(this.deps.db.manager, personId);
    const due = atHour(date, choice.hour ?? this.deps.config.hour);
    // A past day reads as it stood at its hour; today and later as things stand now.
    const asOf = due < now ? due : now;
    const figures = await this.figures(person, date, asOf);
    const markdown = composeDigest(figures, this.composeOptions());
    return { personId, name: person.name, day: date, markdown, bytes: bytesOf(markdown), figures };
  }

  /** Sends every digest that is due and not yet sent today, and the week's 调度 summary not yet sent (due on Monday). */
  async runDue(now: Date = this.deps.clock.now()): Promise<DigestRun> {
    const day = localDay(now);
    const hour = localHour(now);
    const monday = mondayOf(day);
    const manager = this.deps.db.manager;
    const [people, choices, done] = await Promise.all([
      digestRecipients(manager, this.deps.config.recipients),
      choicesOf(manager),
      // Today's daily digests, and this week's 周调度 (kept under its Monday).
      manager.find(Digest, { where: [{ day, kind: "daily" }, { day: monday, kind: "weekly" }], select: { personId: true, kind: true } }),
    ]);
    const sent = new Set(done.map((d) => `${d.kind}:${d.personId}`));
    const run: DigestRun = { sent: 0, late: 0, weekly: 0 };
    // Leaders of the same unit read the same numbers: each unit's are gathered once per run, from
    // counts gathered once per run for the whole county.
    const tally = new UnitTally(manager, now);
    const daily = new Map<number, Promise<DigestFigures>>();
    const weekly = new Map<number, Promise<WeeklyFigures>>();
    const once = <T>(cache: Map<number, Promise<T>>, unitId: number, make: () => Promise<T>) => {
      if (!cache.has(unitId)) cache.set(unitId, make());
      return cache.get(unitId) as Promise<T>;
    };
    for (const person of people) {
      const choice: DigestChoice = choices.get(person.id) ?? { enabled: true, hour: null };
      const dueHour = choice.hour ?? this.deps.config.hour;
      if (!choice.enabled || hour < dueHour) continue;
      const dueAt = atHour(day, dueHour);
      if (!sent.has(`daily:${person.id}`)) {
        const late = now.getTime() - dueAt.getTime() > LATE_AFTER_MS;
        const figures = await once(daily, person.unitId, () => this.figures(person, day, now, tally));
        const markdown = composeDigest(figures, { ...this.composeOptions(), late: late ? { dueHour } : undefined });
        if (await this.send(person, day, "daily", dueAt, now, late, markdown)) {
          run.sent++;
          if (late) run.late++;
        }
      }
      // The week's 周调度 goes out on Monday with the digest; a Monday missed altogether sends it on the next run, late.
      if (!sent.has(`weekly:${person.id}`)) {
        const weeklyDue = atHour(monday, dueHour);
        const lateWeekly = now.getTime() - weeklyDue.getTime() > LATE_AFTER_MS;
        const figures = await once(weekly, person.unitId, () => this.weekly(person, monday, now, tally));
        if (await this.send(person, monday, "weekly", weeklyDue, now, lateWeekly, composeWeekly(figures, lateWeekly ? { dueHour } : undefined))) run.weekly++;
      }
    }
    return run;
  }

  /** The 周调度 summary `personId` gets on the Monday of `day`'s week: last week against the week before. */
  async weeklyPreview(personId: number, day: string): Promise<{ markdown: string; figures: WeeklyFigures }> {
    const person = await this.deps.db.manager.findOneByOrFail(Person, { id: personId });
    // Any day reads as its week's Monday, when the summary goes out.
    const figures = await this.weekly(person, mondayOf(day), this.deps.clock.now());
    return { markdown: composeWeekly(figures), figures };
  }

  /** DIGEST_HOUR: the hour a leader without their own gets the digest. */
  get defaultHour(): number {
    return this.deps.config.hour;
  }

  choice(personId: number): Promise<DigestChoice> {
    return choiceOf(this.deps.db.manager, personId);
  }

  /** Switches a leader's digest on or off, or moves its hour. */
  async setChoice(personId: number, change: Partial<DigestChoice>): Promise<DigestChoice> {
    const person = await this.deps.db.manager.findOne(Person, { where: { id: personId } });
    if (!person) throw NotFound("该人员", "person_not_found");
    return this.deps.db.transaction((tx) => saveChoice(tx, personId, change, this.deps.clock.now()));
  }

  /** Refuses anyone but an administrator or the person themself. */
  static requireSelfOrAdmin(actor: Pick<Person, "id" | "roles">, personId: number): void {
    if (actor.id !== personId && !actor.roles.includes("admin")) throw Forbidden("只能查看或设置本人的每日简报（管理员除外）", "digest_forbidden");
  }

  /** The dashboard link, and room for DingTalk's line breaks when that channel is on. */
  private composeOptions(): ComposeOptions {
    return { dashboardUrl: this.deps.config.dashboardUrl, lineBreakBytes: this.deps.channels.includes("dingtalk") ? DINGTALK_LINE_BREAK_BYTES : 0 };
  }

  private async figures(person: Person, day: string, asOf: Date, tally?: UnitTally): Promise<DigestFigures> {
    const unit = await unitOf(this.deps.db.manager, person);
    return digestFigures(this.deps.db.manager, scopeOf(unit), day, asOf, this.deps.quotas, this.deps.duty ?? null, tally);
  }

  private async weekly(person: Person, day: string, asOf: Date, tally?: UnitTally): Promise<WeeklyFigures> {
    const unit = await unitOf(this.deps.db.manager, person);
    return weeklyFigures(this.deps.db.manager, scopeOf(unit), day, asOf, tally);
  }

  /** Records the digest and enqueues it in one transaction; false when another run got there first. */
  private async send(person: Person, day: string, kind: "daily" | "weekly", dueAt: Date, now: Date, late: boolean, markdown: string): Promise<boolean> {
    try {
      return await this.deps.db.transaction(async (tx) => {
        const inserted = await tx.insert(Digest, { personId: person.id, day, kind, dueAt, sentAt: now, late, outboxMessageId: null, bytes: bytesOf(markdown) });
        const id = Number((inserted.identifiers[0] as { id: number }).id);
        const { message, created } = await this.deps.outbox.enqueue(tx, {
          idempotencyKey: `digest:${kind}:${person.id}:${day}`,
          lane: "routine",
          message: { kind: "markdown", markdown },
          recipients: await resolveRecipients(tx, [person], this.deps.channels),
          source: `digest:${day}`,
        });
        await tx.update(Digest, { id }, { outboxMessageId: message.id });
        return created;
      });
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }
}
