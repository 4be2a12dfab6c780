import { randomUUID } from "node:crypto";
import { type EntityManager, In, IsNull, MoreThan, MoreThanOrEqual } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { ConsoleMessage, type ConsoleDirection, Person } from "../../db/entities";
import { CONFIDENTIAL_DELIVERED, isConfidential, type OutboundMessage } from "../channel";

/** What an `update` row says about an earlier line. */
export interface LineChange {
  messageId: number;
  answered?: string;
  recalled?: true;
}

/** A new line before it is stored. */
export interface NewLine {
  personId: number;
  direction: ConsoleDirection;
  kind: string;
  body: unknown;
  mediaKey?: string | null;
  platformMsgId?: string | null;
  responseCode?: string | null;
}

/** A page reads at most this many lines per batch; the next poll reads on from there. */
const PAGE = 200;

/**
 * The console messenger's storage: every person's chat as rows of `console_messages`. It is the
 * "platform" of the console channel — what the outbox sends lands here, what the page shows is
 * read from here — so any instance can serve any page.
 */
export class ConsoleStore {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** A fresh id for one send call (`console-…`), like a platform's msgid. */
  static newPlatformId(): string {
    return `console-${randomUUID()}`;
  }

  /** Which of `ids` are people of the directory: the console's accounts are the people rows. */
  async existingPeople(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.manager.find(Person, { where: { id: In([...ids]) }, select: { id: true } });
    return new Set(rows.map((p) => p.id));
  }

  async personExists(id: number): Promise<boolean> {
    return this.db.manager.existsBy(Person, { id });
  }

  /** Stores lines in one statement, so a send's recipients get their copies together or not at all. */
  async append(lines: readonly NewLine[]): Promise<void> {
    if (lines.length === 0) return;
    const now = this.clock.now();
    const rows = lines.map((l) => ({
      personId: l.personId,
      direction: l.direction,
      kind: l.kind,
      body: JSON.stringify(l.body),
      mediaKey: l.mediaKey ?? null,
      platformMsgId: l.platformMsgId ?? null,
      responseCode: l.responseCode ?? null,
      answeredText: null,
      answerEvent: null,
      recalledAt: null,
      createdAt: now,
    }));
    await this.db.write((m) => m.createQueryBuilder().insert().into(ConsoleMessage).values(rows).updateEntity(false).execute());
  }

  /**
   * The people among `personIds` who already hold an identical `out` line since `since`, with that
   * line's ids: a resend after an unanswered attempt must not show the message twice (WeChat
   * Work's duplicate check does the same), and must answer with the ids the copies carry.
   */
  async alreadyHolding(personIds: readonly number[], kind: string, body: unknown, since: Date): Promise<Map<number, Pick<ConsoleMessage, "platformMsgId" | "responseCode">>> {
    const held = new Map<number, Pick<ConsoleMessage, "platformMsgId" | "responseCode">>();
    if (personIds.length === 0) return held;
    const json = JSON.stringify(body);
    const rows = await this.db.manager.find(ConsoleMessage, {
      where: { personId: In([...personIds]), direction: "out", kind, createdAt: MoreThanOrEqual(since) },
      select: { personId: true, body: true, platformMsgId: true, responseCode: true },
    });
    for (const r of rows) if (r.body === json) held.set(r.personId, { platformMsgId: r.platformMsgId, responseCode: r.responseCode });
    return held;
  }

  /** One person's card line, or null when the id is not a card of theirs. */
  async cardOf(personId: number, messageId: number): Promise<ConsoleMessage | null> {
    return this.db.manager.findOne(ConsoleMessage, { where: { id: messageId, personId, direction: "out", kind: "card" } });
  }

  /**
   * Marks one person's card answered by a click, unless it already is. Returns false when another
   * click (or a card update) got there first.
   */
  async answerByClick(card: ConsoleMessage, text: string, eventId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const result = await tx.update(ConsoleMessage, { id: card.id, answeredText: IsNull() }, { answeredText: text, answerEvent: eventId });
      if (!result.affected) return false;
      await this.appendChanges(tx, [{ personId: card.personId, change: { messageId: card.id, answered: text } }]);
      return true;
    });
  }

  /** A `card_update`: the named people's copies of the card show `text` instead of their buttons. */
  async answerByCode(responseCode: string, personIds: readonly number[], text: string): Promise<number[]> {
    if (personIds.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const cards = await tx.find(ConsoleMessage, { where: { responseCode, personId: In([...personIds]), direction: "out" }, select: { id: true, personId: true } });
      if (cards.length === 0) return [];
      await tx.update(ConsoleMessage, { id: In(cards.map((c) => c.id)) }, { answeredText: text });
      await this.appendChanges(tx, cards.map((c) => ({ personId: c.personId, change: { messageId: c.id, answered: text } })));
      return cards.map((c) => c.personId);
    });
  }

  /** A recall: every copy of the send call's message is marked recalled. */
  async recall(platformMsgId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const lines = await tx.find(ConsoleMessage, { where: { platformMsgId, recalledAt: IsNull() }, select: { id: true, personId: true } });
      if (lines.length === 0) return;
      await tx.update(ConsoleMessage, { id: In(lines.map((l) => l.id)) }, { recalledAt: this.clock.now() });
      await this.appendChanges(tx, lines.map((l) => ({ personId: l.personId, change: { messageId: l.id, recalled: true } })));
    });
  }

  /** The person's latest lines, oldest first: what a page shows when it opens a chat. */
  async latest(personId: number, limit = PAGE): Promise<ConsoleMessage[]> {
    const rows = await this.db.manager.find(ConsoleMessage, { where: { personId }, order: { id: "DESC" }, take: limit });
    await this.sealShown(rows);
    return rows.reverse();
  }

  /**
   * Lines after id `after`, and also any created since `recentSince` whatever their id: on MySQL
   * an insert that took a lower id may commit after a higher one was read, so a reader looks a
   * few seconds back and drops what it already sent.
   */
  async linesAfter(personId: number, after: number, recentSince: Date): Promise<ConsoleMessage[]> {
    const rows = await this.db.manager.find(ConsoleMessage, {
      where: [
        { personId, id: MoreThan(after) },
        { personId, createdAt: MoreThanOrEqual(recentSince) },
      ],
      order: { id: "ASC" },
      take: PAGE,
    });
    await this.sealShown(rows);
    return rows;
  }

  /**
   * A confidential line (a 举报's confirmation with its tip number) is shown to the person's page
   * once, as read here, and stored from then on as a neutral text: the chat table must not keep
   * the tip number next to the tipster. Opening the chat again shows the neutral text.
   */
  private async sealShown(rows: readonly ConsoleMessage[]): Promise<void> {
    const sealed = JSON.stringify(CONFIDENTIAL_DELIVERED);
    const ids = rows.filter((r) => r.direction === "out" && r.body !== sealed && isConfidentialBody(r.body)).map((r) => r.id);
    if (ids.length === 0) return;
    await this.db.write((m) => m.update(ConsoleMessage, { id: In(ids) }, { kind: CONFIDENTIAL_DELIVERED.kind, body: sealed }));
  }

  /** Whether the file is shown in this person's chat: the only files their page may fetch. */
  async showsMedia(personId: number, key: string): Promise<boolean> {
    return this.db.manager.existsBy(ConsoleMessage, { personId, mediaKey: key });
  }

  private async appendChanges(tx: EntityManager, changes: { personId: number; change: LineChange }[]): Promise<void> {
    const now = this.clock.now();
    const rows = changes.map(({ personId, change }) => ({
      personId,
      direction: "out" as const,
      kind: "update",
      body: JSON.stringify(change),
      mediaKey: null,
      platformMsgId: null,
      responseCode: null,
      answeredText: null,
      answerEvent: null,
      recalledAt: null,
      createdAt: now,
    }));
    await tx.createQueryBuilder().insert().into(ConsoleMessage).values(rows).updateEntity(false).execute();
  }
}

function isConfidentialBody(body: string): boolean {
  // Cheap test first: almost no line is confidential.
  if (!body.includes('"confidential":true')) return false;
  try {
    return isConfidential(JSON.parse(body) as OutboundMessage);
  } catch {
    return false;
  }
}
