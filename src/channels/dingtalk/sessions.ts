import type { KeyValue } from "../../kv";

/** A robot chat's reply URL and until when DingTalk accepts it. */
export interface RobotSession {
  url: string;
  expiresAt: number;
}

/** Not used in its last minute: a reply queued just before the expiry would bounce with 300001. */
const MARGIN_MS = 60_000;
/** How long someone who wrote to the robot keeps getting messages in the robot chat rather than as 工作通知. */
const ROBOT_USER_MS = 30 * 24 * 3_600_000;

/**
 * What the robot knows of the people who write to it, in the kv so every instance shares it: the
 * session webhook of their one-to-one chat (the URL is the credential, so it lives only in the
 * kv, never in a log or a table) and that they use the robot chat at all.
 */
export class RobotSessions {
  constructor(private readonly kv: KeyValue) {}

  async remember(userId: string, session: RobotSession | null, nowMs: number): Promise<void> {
    await this.kv.set(`dingtalk:robot-user:${userId}`, "1", ROBOT_USER_MS);
    if (session && session.expiresAt - MARGIN_MS > nowMs) {
      await this.kv.set(`dingtalk:session:${userId}`, JSON.stringify(session), session.expiresAt - MARGIN_MS - nowMs);
    }
  }

  /** The session webhook to reply through, while it is still valid. */
  async session(userId: string, nowMs: number): Promise<RobotSession | null> {
    const raw = await this.kv.get(`dingtalk:session:${userId}`);
    if (!raw) return null;
    try {
      const s = JSON.parse(raw) as RobotSession;
      return typeof s.url === "string" && s.expiresAt - MARGIN_MS > nowMs ? s : null;
    } catch {
      return null;
    }
  }

  /** A session DingTalk refused (300001): forget it so the next message takes the robot API. */
  forget(userId: string): Promise<void> {
    return this.kv.del(`dingtalk:session:${userId}`);
  }

  async usesRobot(userId: string): Promise<boolean> {
    return (await this.kv.get(`dingtalk:robot-user:${userId}`)) !== null;
  }
}
