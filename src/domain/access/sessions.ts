import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "../../clock";
import type { KeyValue } from "../../kv";

/** How long a console session lasts: idle time, and the most from sign-in whatever the activity. */
export const SESSION = { idleMs: 12 * 3600_000, maxMs: 7 * 24 * 3600_000 } as const;

/** A signed-in browser: whose it is, its CSRF token (double submit) and when it began. */
export interface Session {
  personId: number;
  csrf: string;
  createdAt: number;
  seenAt: number;
  /** How the person signed in: password, link, wecom, dingtalk. */
  via: string;
}

const token = () => randomBytes(32).toString("base64url");
// Only a hash of the cookie's value is a key, so the kv's contents cannot be replayed as cookies.
const keyOf = (id: string) => `session:${createHash("sha256").update(id).digest("hex")}`;

/**
 * Console sessions in the shared kv (memory or Redis), so every instance knows every session and
 * a sign-out is everywhere at once. The cookie holds a random id; the kv holds the rest.
 */
export class SessionStore {
  constructor(private readonly deps: { kv: KeyValue; clock: Clock }) {}

  async create(personId: number, via: string): Promise<{ id: string; session: Session }> {
    const now = this.deps.clock.now().getTime();
    const id = token();
    const session: Session = { personId, csrf: token(), createdAt: now, seenAt: now, via };
    await this.deps.kv.set(keyOf(id), JSON.stringify(session), SESSION.idleMs);
    return { id, session };
  }

  /** The live session of a cookie value, its idle time renewed; null when unknown, idle too long or too old. */
  async find(id: string): Promise<Session | null> {
    if (!id || id.length > 100) return null;
    const raw = await this.deps.kv.get(keyOf(id));
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    const now = this.deps.clock.now().getTime();
    if (now - session.createdAt > SESSION.maxMs || now - session.seenAt > SESSION.idleMs) {
      await this.deps.kv.del(keyOf(id));
      return null;
    }
    // Renewed at most once a minute: a page's burst of requests costs one write.
    if (now - session.seenAt > 60_000) await this.deps.kv.set(keyOf(id), JSON.stringify({ ...session, seenAt: now }), SESSION.idleMs);
    return session;
  }

  async destroy(id: string): Promise<void> {
    await this.deps.kv.del(keyOf(id));
  }
}

/** How long a one-time sign-in link stays usable. */
export const LINK_TTL_MS = 24 * 3600_000;

/**
 * One-time sign-in links (the demo administrator's, printed at start): a random token that signs
 * its person in once. Claimed with set-if-absent, so two clicks at once sign in only one browser.
 */
export class SignInLinks {
  constructor(private readonly deps: { kv: KeyValue }) {}

  async issue(personId: number): Promise<string> {
    const t = token();
    await this.deps.kv.set(`signin-link:${hashOf(t)}`, String(personId), LINK_TTL_MS);
    return t;
  }

  /** The person the link signs in, once; null for an unknown, expired or already used link. */
  async redeem(t: string): Promise<number | null> {
    if (!t || t.length > 100) return null;
    const h = hashOf(t);
    const personId = await this.deps.kv.get(`signin-link:${h}`);
    if (!personId) return null;
    if (!(await this.deps.kv.setIfAbsent(`signin-link-used:${h}`, "1", LINK_TTL_MS))) return null;
    await this.deps.kv.del(`signin-link:${h}`);
    return Number(personId);
  }
}

const hashOf = (t: string) => createHash("sha256").update(t).digest("hex");
