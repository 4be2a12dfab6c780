import type { EntityManager } from "typeorm";
import { AuditEntry } from "../../db/entities";

/** What one audit line records; `before`/`after` hold only the fields that changed. */
export interface AuditRecord {
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | number;
  before?: object | null;
  after?: object | null;
  requestId?: string | null;
}

/**
 * Appends to the audit log inside the caller's transaction, so a change and its record commit
 * together. There is deliberately no update or delete: the log is append-only.
 */
export async function appendAudit(tx: EntityManager, records: AuditRecord | AuditRecord[]): Promise<void> {
  const list = Array.isArray(records) ? records : [records];
  if (list.length === 0) return;
  await tx.insert(
    AuditEntry,
    list.map((r) => ({
      at: r.at,
      actor: r.actor,
      action: r.action,
      entityType: r.entityType,
      entityId: String(r.entityId),
      before: r.before ? JSON.stringify(r.before) : null,
      after: r.after ? JSON.stringify(r.after) : null,
      requestId: r.requestId ?? null,
    })),
  );
}

/** The fields of `next` that differ from `prev`, as before/after pairs; empty when nothing changed. */
export function diffFields<T extends object>(prev: T, next: Partial<T>): { before: Partial<T>; after: Partial<T> } {
  const before: Partial<T> = {};
  const after: Partial<T> = {};
  for (const key of Object.keys(next) as (keyof T)[]) {
    if (!sameValue(prev[key], next[key])) {
      before[key] = prev[key];
      after[key] = next[key] as T[keyof T];
    }
  }
  return { before, after };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}
