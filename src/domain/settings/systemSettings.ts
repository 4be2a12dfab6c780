import type { EntityManager } from "typeorm";
import { SystemSetting } from "../../db/entities";
import { appendAudit } from "../audit/auditLog";

/**
 * Settings the console changes over their .env value. Every instance reads the row when it needs
 * the value (once per job tick), so a change reaches the whole cluster without a restart.
 */
export type SettingKey = "hazard_ladder_days" | "callout_answer_minutes";

/** The console's value of `key`, or null when it has none (the .env value holds). */
export async function consoleSetting<T>(m: EntityManager, key: SettingKey): Promise<T | null> {
  const row = await m.findOne(SystemSetting, { where: { key } });
  return row ? (JSON.parse(row.value) as T) : null;
}

/** Sets `key` (null: back to the .env value), audited in the same transaction. */
export async function setConsoleSetting(tx: EntityManager, key: SettingKey, value: unknown, by: { actor: string; at: Date }): Promise<void> {
  const before = await consoleSetting<unknown>(tx, key);
  if (value === null) await tx.delete(SystemSetting, { key });
  else await tx.save(SystemSetting, { key, value: JSON.stringify(value), updatedAt: by.at, updatedBy: by.actor });
  await appendAudit(tx, { at: by.at, actor: by.actor, action: "setting.set", entityType: "system_setting", entityId: key, before: before === null ? null : { value: before }, after: value === null ? null : { value } });
}
