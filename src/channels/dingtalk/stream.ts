import axios from "axios";
import type { DWClientDownStream } from "dingtalk-stream" with { "resolution-mode": "require" };
import type { Clock } from "../../clock";
import type { KeyValue, Lock } from "../../kv";
import type { Logger } from "../../log";
import type { InboundEvent, InboundSink } from "../channel";
import { cardClickEvent, type DingtalkCards } from "./cards";
import { eventsOf, MalformedDingtalkMessage, robotEvent, robotSender, robotSession } from "./inbound";
import type { RobotSessions } from "./sessions";

// The package is an ES module with a CommonJS build (its `require` export), which this CommonJS code loads.
const { DWClient, TOPIC_CARD, TOPIC_ROBOT } = require("dingtalk-stream") as typeof import("dingtalk-stream", { with: { "resolution-mode": "require" } });

export const GATEWAY_API = "/v1.0/gateway/connections/open";

export interface StreamTimings {
  /** How long the fleet-wide lease lasts without renewal; another instance takes over after it. */
  leaseMs: number;
  /** How often the holder renews its lease and a waiting instance tries to take it. */
  renewMs: number;
  /** No frame (not even DingTalk's ping) for this long: the connection is dead, reconnect with a fresh ticket. */
  quietMs: number;
}

const DEFAULT_TIMINGS: StreamTimings = { leaseMs: 30_000, renewMs: 10_000, quietMs: 90_000 };

export interface DingtalkStreamDeps {
  appKey: string;
  appSecret: string;
  /** `config.dingtalk.apiBase`: where the gateway hands out endpoints and tickets. */
  apiBase: string;
  sink: InboundSink;
  kv: KeyValue;
  clock: Clock;
  log: Logger;
  sessions: RobotSessions;
  cards: DingtalkCards;
  buttonLabel: (event: Extract<InboundEvent, { kind: "card_click" }>, pressed?: string) => string;
  timings?: Partial<StreamTimings>;
}

/** The package's client, pointed at our API base, storing every frame before it is acknowledged. */
class StoringClient extends DWClient {
  lastFrameAt: number;

  constructor(
    private readonly now: () => number,
    private readonly apiBase: string,
    opts: { clientId: string; clientSecret: string },
    private readonly onFrame: (frame: DWClientDownStream) => Promise<unknown>,
  ) {
    // Own subscriptions: the package's default list is one object shared by every client.
    super({ ...opts, ua: "anshao", subscriptions: [{ type: "EVENT", topic: "*" }, { type: "CALLBACK", topic: TOPIC_ROBOT }, { type: "CALLBACK", topic: TOPIC_CARD }] } as ConstructorParameters<typeof DWClient>[0]);
    this.lastFrameAt = now();
  }

  /** A fresh single-use ticket for every (re)connect, from our configured API base (the package hardcodes api.dingtalk.com). */
  override async getEndpoint(): Promise<this> {
    const config = this.getConfig();
    const { data } = await axios.post(`${this.apiBase}${GATEWAY_API}`, { clientId: config.clientId, clientSecret: config.clientSecret, ua: config.ua, subscriptions: config.subscriptions }, { headers: { Accept: "application/json" }, timeout: 10_000 });
    const { endpoint, ticket } = (data ?? {}) as { endpoint?: unknown; ticket?: unknown };
    if (typeof endpoint !== "string" || typeof ticket !== "string") throw new Error("dingtalk stream: no endpoint or ticket");
    (this as unknown as { dw_url: string }).dw_url = `${endpoint}?ticket=${encodeURIComponent(ticket)}`;
    return this;
  }

  override onDownStream(data: string): void {
    this.lastFrameAt = this.now();
    super.onDownStream(data);
  }

  /** Events: stored first, then acknowledged SUCCESS — or LATER, so DingTalk delivers again, when storing failed. */
  override onEvent(message: DWClientDownStream): void {
    void this.onFrame(message).then(
      () => this.send(message.headers.messageId, { status: "SUCCESS" }),
      () => this.send(message.headers.messageId, { status: "LATER", message: "store unavailable" }),
    );
  }

  /** Robot messages and card clicks: stored, then answered; unanswered, DingTalk delivers again within a minute. */
  override onCallback(message: DWClientDownStream): void {
    void this.onFrame(message).then(
      () => this.socketCallBackResponse(message.headers.messageId, {}),
      () => undefined,
    );
  }

  /** Drops the socket; the package's reconnect then asks for a new ticket. */
  dropSocket(): void {
    (this as unknown as { socket?: { terminate(): void } }).socket?.terminate();
  }
}

/**
 * Stream mode (PROTOCOLS §3.4): one outbound WebSocket per app for the whole fleet. The instance
 * holding the kv lease connects; the others wait and take over when the holder stops renewing
 * (it died, or lost the kv). A watchdog reconnects with a fresh ticket when the connection goes
 * quiet. Every frame goes into the durable inbox before it is acknowledged, so a frame delivered
 * twice, or over HTTP and Stream at once, is handled once.
 */
export class DingtalkStream {
  private readonly timings: StreamTimings;
  private client?: StoringClient;
  private lease?: Lock;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly deps: DingtalkStreamDeps) {
    this.timings = { ...DEFAULT_TIMINGS, ...deps.timings };
  }

  /** Whether this instance holds the connection now. */
  get holding(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.timings.renewMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.disconnect();
    await this.lease?.release().catch(() => false);
    this.lease = undefined;
  }

  /** Renews or takes the lease, and watches the connection. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.lease && !(await this.lease.extend(this.timings.leaseMs))) {
        this.deps.log.warn({ channel: "dingtalk" }, "dingtalk stream lease lost; disconnecting");
        this.lease = undefined;
        this.disconnect();
      }
      if (!this.lease) {
        const lease = await this.deps.kv.acquireLock(`dingtalk:stream:${this.deps.appKey}`, this.timings.leaseMs);
        if (!lease) return;
        this.lease = lease;
        this.connect();
      }
      const client = this.client;
      const now = this.deps.clock.now().getTime();
      if (client && now - client.lastFrameAt > this.timings.quietMs) {
        this.deps.log.warn({ channel: "dingtalk", quietMs: now - client.lastFrameAt }, "dingtalk stream quiet; reconnecting with a new ticket");
        client.lastFrameAt = now;
        client.dropSocket();
      }
    } catch (err) {
      this.deps.log.warn({ channel: "dingtalk", err: (err as Error)?.name }, "dingtalk stream lease check failed");
    }
  }

  private connect(): void {
    const client = new StoringClient(() => this.deps.clock.now().getTime(), this.deps.apiBase, { clientId: this.deps.appKey, clientSecret: this.deps.appSecret }, (frame) => this.store(frame));
    this.client = client;
    this.deps.log.info({ channel: "dingtalk" }, "dingtalk stream connecting");
    void client.connect();
  }

  private disconnect(): void {
    this.client?.disconnect();
    this.client = undefined;
  }

  /** One frame into the inbox; rejects when it could not be stored (so it is not acknowledged as done). */
  private async store(frame: DWClientDownStream): Promise<void> {
    const now = this.deps.clock.now();
    let events: InboundEvent[];
    let data: unknown;
    try {
      data = JSON.parse(frame.data);
      events = this.eventsOf(frame, data, now);
    } catch (err) {
      // A frame we cannot read is acknowledged anyway: DingTalk would only send it again.
      if (err instanceof SyntaxError || err instanceof MalformedDingtalkMessage) {
        this.deps.log.warn({ channel: "dingtalk", topic: frame.headers.topic, field: (err as MalformedDingtalkMessage).field }, "dingtalk stream frame malformed; ignored");
        return;
      }
      throw err;
    }
    if (frame.headers.topic === TOPIC_ROBOT && events.length > 0) {
      const sender = robotSender(data);
      if (sender) await this.deps.sessions.remember(sender, robotSession(data), now.getTime());
    }
    const fresh: InboundEvent[] = [];
    try {
      for (const event of events) if ((await this.deps.sink.accept(event)) === "new") fresh.push(event);
    } catch (err) {
      this.deps.log.error({ channel: "dingtalk", err: (err as Error)?.name }, "dingtalk stream frame not stored");
      throw err;
    }
    for (const event of fresh) this.deps.sink.dispatchSoon(event);
    for (const event of events) {
      if (event.kind === "card_click") {
        void this.deps.cards.markDone(event.taskId, event.buttonKey, (pressed) => this.deps.buttonLabel(event, pressed)).catch(() => this.deps.log.warn({ channel: "dingtalk" }, "dingtalk card not updated"));
      }
    }
  }

  private eventsOf(frame: DWClientDownStream, data: unknown, now: Date): InboundEvent[] {
    if (frame.type === "EVENT") {
      // Stream events carry the type in the headers and the fields in `data` (PROTOCOLS §3.4): flattened like an HTTP event.
      const d = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
      const payload = { ...d, EventType: frame.headers.eventType, EventId: frame.headers.eventId, UserId: d.UserId ?? d.userId, DeptId: d.DeptId ?? d.deptId, TimeStamp: frame.headers.eventBornTime };
      return eventsOf(payload, frame.data, now);
    }
    if (frame.headers.topic === TOPIC_ROBOT) {
      const event = robotEvent(data, now);
      return event ? [event] : [];
    }
    if (frame.headers.topic === TOPIC_CARD) return [cardClickEvent(data, now)];
    return [];
  }
}
