import { Column, Entity, PrimaryColumn } from "typeorm";
import { utcDatetime } from "../columns";

/**
 * A person's conversation with the bot: the flow, its state and the question waiting for an
 * answer (JSON), and the last inbound event whose turn committed. One row per person; a row with
 * no flow is a conversation that ended. Written with the turn's reply in one transaction.
 */
@Entity("bot_conversations")
export class BotConversation {
  @PrimaryColumn({ name: "person_id", type: "integer" })
  personId: number;

  /** Null once the conversation ended (done, cancelled, or its expiry was told). */
  @Column({ type: "varchar", length: 64, nullable: true })
  flow: string | null;

  /** The flow's state as JSON. */
  @Column({ type: "text", nullable: true })
  state: string | null;

  /** The question waiting for an answer, as JSON. */
  @Column({ type: "text", nullable: true })
  question: string | null;

  /** The card that carried the question's buttons. */
  @Column({ name: "task_id", type: "varchar", length: 64, nullable: true })
  taskId: string | null;

  /** When an unanswered question lapses; the idle expiry runs on the clock, not on a TTL. */
  @Column({ name: "expires_at", ...utcDatetime, nullable: true })
  expiresAt: Date | null;

  /** `<channel>:<event id>` of the last turn that committed: its redelivery is recognised. */
  @Column({ name: "last_event_key", type: "varchar", length: 191, nullable: true })
  lastEventKey: string | null;

  @Column({ name: "updated_at", ...utcDatetime })
  updatedAt: Date;
}
