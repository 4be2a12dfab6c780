/**
 * Who published a warning and which of their messages it is: CAP's `<sender>` and `<identifier>`,
 * or a JSON client's own `identifier`. The pair is unique, so the same warning posted twice (a
 * relay retrying, two officers forwarding it) starts one 叫应, and an update or a cancellation
 * finds the campaign the earlier message started.
 */

/** CAP 1.2 message types the intake acts on (Ack and Error are refused at the edge). */
export type WarningMsgType = "Alert" | "Update" | "Cancel";

export interface WarningRef {
  sender: string;
  identifier: string;
}

export interface WarningIdentity extends WarningRef {
  msgType: WarningMsgType;
  /** The earlier messages an Update or Cancel refers to (CAP `<references>`). */
  references: WarningRef[];
}

/**
 * What receiving a message did, stored with it:
 * created — a new draft; replaced — a new draft instead of the chain's unsent one (withdrawn);
 * escalated — a new draft because the level rose (the running campaign goes on);
 * extended — a new draft for people the update's areas add (the running campaign goes on);
 * recorded — an update that changes nobody's duty: kept, nothing sent;
 * cancelled — the chain's open campaigns ended (warning lifted); unchanged — a cancel with nothing open.
 */
export const WARNING_OUTCOMES = ["created", "replaced", "escalated", "extended", "recorded", "cancelled", "unchanged"] as const;
export type WarningOutcome = (typeof WARNING_OUTCOMES)[number];

/** Outcomes that made a draft: the campaigns of a warning's chain. */
export const DRAFTING_OUTCOMES: readonly WarningOutcome[] = ["created", "replaced", "escalated", "extended"];

/** The unique key's columns hold at most this many characters each. */
export const MAX_ID_LENGTH = 191;

/** `sender,identifier,sent` triples separated by whitespace; a bare identifier means this sender's. */
export function parseReferences(text: string | undefined, ownSender: string): WarningRef[] {
  if (!text) return [];
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((entry) => {
      const parts = entry.split(",");
      return parts.length >= 2 ? { sender: parts[0] as string, identifier: parts[1] as string } : { sender: ownSender, identifier: entry };
    })
    .filter((r) => r.identifier.length > 0);
}
