import type { EntityManager } from "typeorm";
import { type InboundEvent, PERSON_ID_CHANNELS } from "../../channels/channel";
import type { Database } from "../../db/Database";
import { isMysqlFamily } from "../../db/dialect";
import { CalloutRecipient } from "../../db/entities";
import { BUTTON_ACK } from "./vocabulary";

type CardClick = Extract<InboundEvent, { kind: "card_click" }>;


/**
 * The hot path of a 叫应: a 「收到」 click recorded by ONE statement, outside any transaction, with
 * no reads. Ten thousand people answering within minutes must not each cost a person lookup, a
 * campaign read and a transaction. The statement finds the row by the campaign and the clicker's
 * account, stamps the answer (late when past the deadline, computed from the campaign row inside
 * the statement) and stops the row's chasing — only if it was not answered before, so a duplicate
 * click changes nothing.
 *
 * Returns false when nothing changed: an unknown account, someone not called, an earlier answer,
 * or a channel that names people by person id (the console). The general path (answers.ts) then sorts out which,
 * and says so to the person where it must; those cases are rare, so they may cost more.
 */
export async function recordAckClick(db: Database, event: CardClick, calloutId: number): Promise<boolean> {
  if (event.buttonKey !== BUTTON_ACK || PERSON_ID_CHANNELS.has(event.channel)) return false;
  const values = { at: event.occurredAt, via: `${event.channel}:card`, content: BUTTON_ACK, calloutId, channel: event.channel, account: event.senderId };
  return db.write((m) => (isMysqlFamily(m) ? onMysql(m, values) : onSqlite(m, values)));
}

interface AckValues {
  at: Date;
  /** `wecom:card`: how the answer came. */
  via: string;
  channel: string;
  content: string;
  calloutId: number;
  account: string;
}

/**
 * Plain SQL on MySQL/MariaDB (TypeORM's builder costs more CPU than the statement). The unique
 * (channel, account_id) index of person_accounts answers the join: the database's utf8mb4 collation ignores
 * case, as WeChat Work does with user ids. A deployment on a case-sensitive collation only loses
 * the fast path for differently-cased ids (the general path compares lower-cased).
 */
async function onMysql(m: EntityManager, v: AckValues): Promise<boolean> {
  const result = (await m.query(
    `UPDATE callout_recipients r
       INNER JOIN person_accounts a ON a.person_id = r.person_id
       INNER JOIN callouts c ON c.id = r.callout_id
     SET r.state = 'acknowledged', r.acknowledged_at = ?, r.ack_channel = ?, r.ack_content = ?,
         r.late = (c.deadline_at IS NOT NULL AND c.deadline_at < ?), r.next_action_at = NULL
     WHERE r.callout_id = ? AND a.channel = ? AND a.account_id = ? AND r.acknowledged_at IS NULL`,
    [v.at, v.via, v.content, v.at, v.calloutId, v.channel, v.account],
  )) as { affectedRows: number };
  return result.affectedRows > 0;
}

/** SQLite compares text case-sensitively: the account is matched lower-cased, as findByChannelAccount does. */
async function onSqlite(m: EntityManager, v: AckValues): Promise<boolean> {
  const result = await m
    .createQueryBuilder()
    .update(CalloutRecipient)
    .set({
      state: "acknowledged",
      acknowledgedAt: v.at,
      ackChannel: v.via,
      ackContent: v.content,
      nextActionAt: null,
      late: () => "COALESCE((SELECT c.deadline_at < :at FROM callouts c WHERE c.id = callout_id), 0)",
    })
    .where(`callout_id = :calloutId AND acknowledged_at IS NULL AND person_id IN (SELECT a.person_id FROM person_accounts a WHERE a.channel = :channel AND LOWER(a.account_id) = LOWER(:account))`)
    .setParameters({ at: v.at, calloutId: v.calloutId, channel: v.channel, account: v.account })
    .execute();
  return (result.affected ?? 0) > 0;
}
