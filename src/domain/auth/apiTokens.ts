import { createHash, randomBytes } from "node:crypto";
import { IsNull } from "typeorm";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { ApiToken, Person } from "../../db/entities";
import { Invalid, NotFound } from "../../errors";
import { appendAudit } from "../audit/auditLog";

const PREFIX = "ash_";

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Issues a token that acts as `mobile`'s person. The plain token is returned once and never
 * stored; issuing is audited (without the token).
 */
export async function issueApiToken(db: Database, clock: Clock, mobile: string, label: string): Promise<{ token: string; person: Person }> {
  if (!label.trim()) throw Invalid("请填写令牌用途，例如“县局管理员”", undefined, "token_label_missing");
  return db.transaction(async (tx) => {
    const person = await tx.findOne(Person, { where: { mobile: mobile.trim() } });
    if (!person) throw NotFound(`手机号为 ${mobile} 的人员`, "person_not_found");
    if (!person.active) throw Invalid(`${person.name} 已停用，不能签发令牌`, undefined, "person_inactive");
    const token = PREFIX + randomBytes(24).toString("base64url");
    const row = await tx.save(ApiToken, { personId: person.id, tokenHash: hashOf(token), label: label.trim(), createdAt: clock.now(), lastUsedAt: null, revokedAt: null });
    await appendAudit(tx, { at: clock.now(), actor: "cli", action: "api_token.issue", entityType: "api_token", entityId: row.id, after: { personId: person.id, label: row.label } });
    return { token, person };
  });
}

/** The active person a bearer token acts as, or null for an unknown, revoked or orphaned token. */
export async function personForToken(db: Database, clock: Clock, token: string): Promise<Person | null> {
  if (!token.startsWith(PREFIX)) return null;
  const row = await db.manager.findOne(ApiToken, { where: { tokenHash: hashOf(token), revokedAt: IsNull() } });
  if (!row) return null;
  const person = await db.manager.findOne(Person, { where: { id: row.personId } });
  if (!person?.active) return null;
  // Last use is for the administrator's review of stale tokens; minute precision is plenty.
  const now = clock.now();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) await db.write((m) => m.update(ApiToken, { id: row.id }, { lastUsedAt: now }));
  return person;
}
