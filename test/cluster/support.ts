import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { FakeMessage, FakeWecom } from "../fakes/fakeWecom";
import type { Cluster } from "./cluster";

/** Cluster tests wait on processes and a real clock: one generous bound for a whole test. */
export const TEST_MS = 90_000;

/** Runs a test body; when it fails, the tail of every process's log goes with the error. */
export function withLogs(cluster: () => Cluster | undefined, body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (err) {
      const logs = cluster()?.logs() ?? "(no cluster)";
      if (err instanceof Error) err.message = `${err.message}\n\nprocess logs:\n${logs}`;
      throw err;
    }
  };
}

/** Messages the fake accepted (not duplicates it suppressed) that reached `userid`. */
export function messagesTo(fake: FakeWecom, userid: string): FakeMessage[] {
  return fake.messages.filter((m) => !m.duplicateOf && (m.delivered.includes(userid) || m.dropped.includes(userid)));
}

/** What a member reads of a message: a card's title and subtitle, or a text. */
export function wordsOf(m: FakeMessage): string {
  const card = m.body.template_card as { main_title?: { title?: string }; sub_title_text?: string } | undefined;
  if (card) return `${card.main_title?.title ?? ""}\n${card.sub_title_text ?? ""}`;
  const part = m.body[m.msgtype] as { content?: string; description?: string } | undefined;
  return part?.content ?? part?.description ?? `[${m.msgtype}]`;
}

/** Lets a little more time pass after a wait succeeded, so a late duplicate would have shown. */
export const settle = (ms = 1_500) => sleep(ms);

/** Calls spread over the instances round-robin, starting at `offset`. */
export const spread = <T>(items: readonly T[], offset = 0) => (i: number) => items[(i + offset) % items.length] as T;

/** `promise`'s value, or null when it has not settled within `ms` (the timer never outlives the wait). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, null, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

/** A free loopback port, for a private server a test starts and stops. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
