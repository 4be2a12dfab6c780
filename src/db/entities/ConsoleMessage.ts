import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { utcDatetime } from "../columns";
import { Person } from "./Person";

/** `out`: the app to the person (what the outbox sent); `in`: what the person sent from the console page. */
export type ConsoleDirection = "in" | "out";

/**
 * One line of a person's chat in the local console messenger, in the order it happened. Besides
 * messages, `kind = "update"` rows record that an earlier card was answered or a message recalled,
 * so a page that reads "rows after id N" learns of the change too; the earlier row also carries
 * the change itself, for a page that loads the chat afresh.
 */
@Entity("console_messages")
@Index("idx_console_messages_person", ["personId", "id"])
@Index("idx_console_messages_response", ["responseCode"])
@Index("idx_console_messages_platform", ["platformMsgId"])
export class ConsoleMessage {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** Whose chat this line is in: the recipient of `out` rows, the sender of `in` rows. */
  @Column({ name: "person_id", type: "integer" })
  personId: number;

  @ManyToOne(() => Person, { onDelete: "RESTRICT", onUpdate: "RESTRICT" })
  @JoinColumn({ name: "person_id" })
  person?: Person;

  @Column({ type: "varchar", length: 3 })
  direction: ConsoleDirection;

  /** The message's kind (`text`, `card`, `image`…) or `update`. */
  @Column({ type: "varchar", length: 16 })
  kind: string;

  /** The message as JSON (an `OutboundMessage` for `out` rows); never logged. */
  @Column({ type: "text" })
  body: string;

  /** The media store key the line shows or links to; the media route serves only keys named here. */
  @Column({ name: "media_key", type: "varchar", length: 128, nullable: true })
  mediaKey: string | null;

  /** One id per send call, shared by its recipients' rows: what a recall names. */
  @Column({ name: "platform_msg_id", type: "varchar", length: 64, nullable: true })
  platformMsgId: string | null;

  /** Cards with buttons: what a click reports and a `card_update` names. */
  @Column({ name: "response_code", type: "varchar", length: 64, nullable: true })
  responseCode: string | null;

  /** Set once the card is answered: the text that replaces its buttons. */
  @Column({ name: "answered_text", type: "varchar", length: 255, nullable: true })
  answeredText: string | null;

  /** The click event that answered the card, so the same click submitted twice is still one click. */
  @Column({ name: "answer_event", type: "varchar", length: 128, nullable: true })
  answerEvent: string | null;

  @Column({ name: "recalled_at", ...utcDatetime, nullable: true })
  recalledAt: Date | null;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;
}
