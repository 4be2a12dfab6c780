import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BotServices } from "../../bots/services";
import type { ChannelId } from "../../src/channels/channel";
import type { Clock } from "../../src/clock";
import type { Database } from "../../src/db/Database";
import { OwedCallouts } from "../../src/domain/callouts/owed";
import { ConversationService } from "../../src/domain/conversations";
import { DigestService } from "../../src/domain/digest";
import { HazardService } from "../../src/domain/hazards";
import { HazardPicks } from "../../src/domain/hazards/picks";
import { InspectionService } from "../../src/domain/inspections";
import { QuotaService } from "../../src/domain/quotas";
import { TipKeys, TipService } from "../../src/domain/tips";
import type { OutboxService } from "../../src/domain/outbox";
import { LocalMediaStore } from "../../src/media/localMediaStore";

/**
 * The services flows act through, for tests that drive the bot engine without the whole app.
 * Files go to a fresh temporary media store; a file a test sends is taken from `uploads` by its
 * media id, or else read back from the store by key.
 */
export function botServicesFor(db: Database, clock: Clock, outbox: OutboxService, channels: readonly ChannelId[] = ["wecom"], uploads = new Map<string, { bytes: Buffer; type: string }>()): BotServices {
  const media = new LocalMediaStore({ dir: mkdtempSync(join(tmpdir(), "anshao-bot-media-")), maxBytes: 10 << 20 });
  const hazards = new HazardService({ db, outbox, clock, config: { repeatWindowDays: 90 }, channels });
  // Like WeChat Work's media/get: the file the person sent is fetched (here: from `uploads`) and
  // saved, so the store's type and size checks meet it on the way in.
  const inboundMedia = async (_channel: ChannelId, mediaId: string) => {
    const upload = uploads.get(mediaId);
    return upload ? media.save(upload.bytes, upload.type) : media.read(mediaId);
  };
  const inspections = new InspectionService({ db, clock, media, config: { farMetres: 500 } });
  const tips = new TipService({ db, outbox, clock, keys: TipKeys.ephemeral(), channels });
  const digests = new DigestService({ db, clock, outbox, quotas: new QuotaService({ db, clock }), channels, config: { hour: 8, recipients: [] } });
  return { ...botQueriesFor(db, clock, outbox, channels), clock, hazards, inspections, tips, digests, media, channels, inboundMedia };
}

/** The domain services the engine and the flows read through, for tests that build the rest themselves. */
export function botQueriesFor(db: Database, clock: Clock, outbox: Pick<OutboxService, "enqueue">, channels: readonly ChannelId[] = ["wecom"]): Pick<BotServices, "conversations" | "hazardPicks" | "owedCallouts"> {
  return { conversations: new ConversationService({ db, outbox, clock, channels }), hazardPicks: new HazardPicks({ db }), owedCallouts: new OwedCallouts({ db }) };
}

let turns = 0;
/** A request key per flow step a test plays, as the engine gives each inbound message its own. */
export const nextRequestKey = (): string => `test:${++turns}`;
