import type { EntityManager } from "typeorm";
import { DigestSetting } from "../../db/entities/DigestSetting";
import { Invalid } from "../../errors";

/** A leader's digest choice as read: on unless switched off; their hour or the default. */
export interface DigestChoice {
  enabled: boolean;
  /** Their own hour, or null for DIGEST_HOUR. */
  hour: number | null;
}

export async function choicesOf(manager: EntityManager): Promise<Map<number, DigestChoice>> {
  const rows = await manager.find(DigestSetting);
  return new Map(rows.map((r) => [r.personId, { enabled: r.enabled, hour: r.hour }]));
}

export async function choiceOf(manager: EntityManager, personId: number): Promise<DigestChoice> {
  const row = await manager.findOne(DigestSetting, { where: { personId } });
  return row ? { enabled: row.enabled, hour: row.hour } : { enabled: true, hour: null };
}

/** Switches the digest on or off and/or moves its hour (null: back to the default). */
export async function saveChoice(manager: EntityManager, personId: number, change: Partial<DigestChoice>, now: Date): Promise<DigestChoice> {
  if (change.hour !== undefined && change.hour !== null && (!Number.isInteger(change.hour) || change.hour < 0 || change.hour > 23)) {
    throw Invalid("接收时间应为 0–23 之间的整点", undefined, "invalid_digest_hour");
  }
  const current = await choiceOf(manager, personId);
  const next: DigestChoice = { enabled: change.enabled ?? current.enabled, hour: change.hour === undefined ? current.hour : change.hour };
  await manager.delete(DigestSetting, { personId });
  await manager.insert(DigestSetting, { personId, enabled: next.enabled, hour: next.hour, updatedAt: now });
  return next;
}
