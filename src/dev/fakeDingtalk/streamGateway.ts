import { randomBytes } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";

/** The little of `ws` the fake gateway uses (ws comes with dingtalk-stream; it ships no types of its own). */
interface WsSocket {
  readyState: number;
  send(data: string): void;
  close(): void;
  terminate(): void;
  on(event: "message", listener: (data: Buffer) => void): void;
  on(event: "close", listener: () => void): void;
}
interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WsSocket) => void): void;
  close(): void;
}
const { WebSocketServer } = require("ws") as { WebSocketServer: new (options: { noServer: true }) => WsServer };

/** A frame the app answered, by the message id it answered. */
export interface StreamAck {
  messageId: string;
  code: number;
  data: unknown;
}

/**
 * DingTalk's Stream gateway on loopback (PROTOCOLS §3.4): hands out single-use tickets, accepts the
 * WebSocket that presents one, pushes frames (robot messages, events, card clicks, ping,
 * disconnect) and records every acknowledgement the app sends back.
 */
export class FakeStreamGateway {
  readonly acks: StreamAck[] = [];
  /** Tickets handed out and not yet used. */
  private readonly tickets = new Set<string>();
  private readonly sockets: WsSocket[] = [];
  private readonly wss: WsServer = new WebSocketServer({ noServer: true });
  /** How many connections presented a valid ticket so far. */
  connections = 0;
  /** Connections refused for a used or unknown ticket. */
  refused = 0;
  private nextId = 1;

  /** `now`: the fake's clock (the test's), which stamps every frame. */
  constructor(
    private readonly baseUrl: () => string,
    private readonly now: () => number,
  ) {}

  attach(server: Server): void {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? "/", "http://fake");
      const ticket = url.searchParams.get("ticket") ?? "";
      if (url.pathname !== "/stream" || !this.tickets.delete(ticket)) {
        this.refused += 1;
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.connections += 1;
        this.sockets.push(ws);
        ws.on("message", (data) => {
          const frame = JSON.parse(data.toString("utf8")) as { code: number; headers?: { messageId?: string }; data?: string };
          this.acks.push({ messageId: frame.headers?.messageId ?? "", code: frame.code, data: frame.data ? JSON.parse(frame.data) : undefined });
        });
        ws.on("close", () => this.sockets.splice(this.sockets.indexOf(ws), 1));
      });
    });
  }

  close(): void {
    for (const s of [...this.sockets]) s.terminate();
    this.wss.close();
  }

  /** `POST /v1.0/gateway/connections/open`: an endpoint and a fresh single-use ticket. */
  open(): { endpoint: string; ticket: string } {
    const ticket = randomBytes(12).toString("hex");
    this.tickets.add(ticket);
    return { endpoint: `${this.baseUrl().replace(/^http/, "ws")}/stream`, ticket };
  }

  /** Whether an app holds a connection now. */
  get openConnections(): number {
    return this.sockets.filter((s) => s.readyState === 1).length;
  }

  /** A robot message (the §3.3 body) as a CALLBACK frame; returns its message id. */
  robotMessage(body: Record<string, unknown>): string {
    return this.push("CALLBACK", { topic: "/v1.0/im/bot/messages/get" }, body);
  }

  /** A card click as a CALLBACK frame. */
  cardClick(body: Record<string, unknown>): string {
    return this.push("CALLBACK", { topic: "/v1.0/card/instances/callback" }, body);
  }

  /** An event (`user_add_org`, …) as an EVENT frame with its fields in `data`. */
  event(eventType: string, data: Record<string, unknown>, eventId = randomBytes(8).toString("hex")): string {
    return this.push("EVENT", { topic: "*", eventType, eventId, eventBornTime: String(this.now()) }, data);
  }

  /** SYSTEM ping: the app must echo it. */
  ping(): string {
    return this.push("SYSTEM", { topic: "ping" }, { opaque: randomBytes(4).toString("hex") });
  }

  /** SYSTEM disconnect, then the socket closes as DingTalk's does. */
  disconnect(): void {
    this.push("SYSTEM", { topic: "disconnect" }, {});
    for (const s of [...this.sockets]) s.close();
  }

  /** Drops every connection without a word (a network failure). */
  dropAll(): void {
    for (const s of [...this.sockets]) s.terminate();
  }

  ackOf(messageId: string): StreamAck | undefined {
    return this.acks.find((a) => a.messageId === messageId);
  }

  private push(type: string, headers: Record<string, string>, data: unknown): string {
    const messageId = `fake-msg-${this.nextId++}`;
    const frame = { specVersion: "1.0", type, headers: { appId: "fake", connectionId: "fake", contentType: "application/json", messageId, time: String(this.now()), ...headers }, data: JSON.stringify(data) };
    for (const s of this.sockets) if (s.readyState === 1) s.send(JSON.stringify(frame));
    return messageId;
  }
}
