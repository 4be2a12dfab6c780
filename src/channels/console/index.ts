import { CHANNEL_NAMES } from "../channel";
import type Router from "@koa/router";
import type { Clock } from "../../clock";
import type { MediaStore, StoredMedia } from "../../media/MediaStore";
import type { ActiveChannel, ChannelModule, RouteContext } from "../module";
import { ConsoleSender } from "./ConsoleSender";
import { consoleInboundRouter } from "./inbound";
import { ConsoleStore } from "./store";

/** The running console: its store is also what the console page (src/web) reads the chats from. */
export class ConsoleChannel implements ActiveChannel {
  readonly id = "console" as const;
  readonly sender: ConsoleSender;

  constructor(
    readonly store: ConsoleStore,
    private readonly media: MediaStore,
    private readonly clock: Clock,
  ) {
    this.sender = new ConsoleSender(store, clock);
  }

  // Its clicks grey a card out with the same label WeChat Work shows.
  routes({ sink, guard, buttonLabel }: RouteContext): Router {
    return consoleInboundRouter({ sink, store: this.store, media: this.media, clock: this.clock, guard, buttonLabel });
  }

  /** The page uploads straight into our store: its media id is the storage key. */
  downloadMedia(mediaId: string): Promise<StoredMedia> {
    return this.media.read(mediaId);
  }
}

/**
 * The local console (控制台): a web page that plays a messenger for every person, addressed by
 * their person id (see PERSON_ID_CHANNELS), so a county can try Anshao before any messenger is set up.
 */
export const consoleChannel: ChannelModule = {
  id: "console",
  displayName: CHANNEL_NAMES.console,
  capabilities: {
    cards: true,
    // The page shows a card's facts whether or not it has a link.
    infoCardNeedsLink: false,
    maxButtons: 6,
    buttonLabelMaxChars: 10,
    markdownMaxBytes: 2048,
    maxRecipientsPerCall: 1000,
    fileTypes: ["*"],
  },
  enabled: (config) => config.console.enabled,
  limits: () => undefined,
  start: ({ db, clock, media }) => new ConsoleChannel(new ConsoleStore(db, clock), media, clock),
};
