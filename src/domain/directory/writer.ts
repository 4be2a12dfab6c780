import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { type AuditRecord, appendAudit, diffFields } from "../audit/auditLog";
import type { KindCounts } from "./model";

const AUDIT_BATCH = 500;

/**
 * Writes directory rows inside the import's transaction and keeps their audit lines: a creation
 * records every field, an update only the fields that changed, an unchanged row nothing at all.
 */
export class DirectoryWriter {
  private readonly audits: AuditRecord[] = [];

  constructor(
    readonly tx: EntityManager,
    readonly now: Date,
    private readonly actor: string,
  ) {}

  /** Inserts a row and returns its id; the audit line is written by `created` once the row is final. */
  async insert<E extends ObjectLiteral>(entity: EntityTarget<E>, values: Partial<E>): Promise<number> {
    const result = await this.tx.insert(entity, { ...values, createdAt: this.now, updatedAt: this.now } as never);
    return Number((result.identifiers[0] as { id: number }).id);
  }

  /** Records the creation of a row with its final fields. */
  created(entityType: string, id: number, fields: object, counts: KindCounts): void {
    this.audits.push({ at: this.now, actor: this.actor, action: "create", entityType, entityId: id, before: null, after: fields });
    counts.created++;
  }

  /**
   * Brings a stored row to `target`; writes (and audits) only when a field differs. `write`
   * stores the changed fields when they do not all live in the entity's own table.
   */
  async update<E extends ObjectLiteral, F extends object>(
    entity: EntityTarget<E>,
    entityType: string,
    id: number,
    stored: F,
    target: F,
    counts: KindCounts,
    write: (changed: Partial<F>) => Promise<unknown> = (changed) => this.tx.update(entity, { id }, { ...changed, updatedAt: this.now } as never),
  ): Promise<void> {
    const { before, after } = diffFields(stored, target);
    if (Object.keys(after).length === 0) {
      counts.unchanged++;
      return;
    }
    await write(after);
    this.audits.push({ at: this.now, actor: this.actor, action: "update", entityType, entityId: id, before, after });
    counts.updated++;
  }

  /** Writes the collected audit lines, in batches small enough for SQLite's parameter limit. */
  async flushAudit(): Promise<void> {
    for (let i = 0; i < this.audits.length; i += AUDIT_BATCH) await appendAudit(this.tx, this.audits.slice(i, i + AUDIT_BATCH));
    this.audits.length = 0;
  }
}

/** Counts that start at zero. */
export const newCounts = (): KindCounts => ({ created: 0, updated: 0, unchanged: 0 });
