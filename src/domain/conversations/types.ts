import type { ChannelId } from "../../channels/channel";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { OutboxService } from "../outbox";

/** What ConversationService is built from. */
export interface ConversationServiceDeps {
  db: Database;
  outbox: Pick<OutboxService, "enqueue">;
  clock: Clock;
  /** Enabled channels in order of preference, for the administrators told of a stranger. */
  channels: readonly ChannelId[];
  /** Told once a turn's replies have committed, so they go out now rather than at the outbox's next poll. */
  repliesQueued?: () => void;
}
