import { In } from "typeorm";
import type { Database } from "../../db/Database";
import { Callout, CalloutRecipient } from "../../db/entities";
import { SILENT_STATES } from "./vocabulary";

/** A 叫应 still waiting on one person: an answer (收到), or the report of measures taken. */
export interface OwedCallout {
  calloutId: number;
  title: string;
  awaitingReport: boolean;
  /** When it reached them (or was created, if the send is not recorded). */
  since: Date;
}

/** What a callout says, for someone who asks to see it again. */
export interface CalloutText {
  title: string;
  text: string;
  requiresReport: boolean;
}

/** What 叫应 a person owes, read for 我的待办; answering stays with CalloutService. */
export class OwedCallouts {
  constructor(private readonly deps: { db: Database }) {}

  /** Open callouts among the person's latest 20 that still wait on them. */
  async of(personId: number): Promise<OwedCallout[]> {
    const { manager } = this.deps.db;
    const rows = await manager.find(CalloutRecipient, { where: { personId }, order: { id: "DESC" }, take: 20 });
    const owing = rows.filter((r) => SILENT_STATES.includes(r.state) || r.awaitingReport);
    if (owing.length === 0) return [];
    const open = await manager.find(Callout, { where: { id: In(owing.map((r) => r.calloutId)), state: "sent" } });
    return open.map((c) => {
      const row = owing.find((r) => r.calloutId === c.id)!;
      return { calloutId: c.id, title: c.title, awaitingReport: row.awaitingReport, since: row.sentAt ?? c.createdAt };
    });
  }

  async text(calloutId: number): Promise<CalloutText | null> {
    const c = await this.deps.db.manager.findOneBy(Callout, { id: calloutId });
    return c && { title: c.title, text: c.text, requiresReport: c.requiresReport };
  }
}
