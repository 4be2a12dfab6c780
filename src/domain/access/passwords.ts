import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { Person, PersonCredential } from "../../db/entities";
import { AppError, Invalid, NotFound } from "../../errors";
import { appendAudit } from "../audit/auditLog";

/** Wrong passwords in a row that lock an account, and for how long. */
export const LOCKOUT = { attempts: 5, minutes: 15 } as const;

/** Argon2id with the library's defaults (19 MiB, 2 passes: OWASP's minimum) — what `@node-rs/argon2` hashes with. */
const hashPassword = (password: string) => hash(password);

/** A password a person may choose: 8–128 characters, not only digits (a mobile number is not a password). */
export function checkPasswordRule(password: string): void {
  if (password.length < 8 || password.length > 128) throw Invalid("密码长度应为 8–128 位", undefined, "weak_password");
  if (/^\d+$/.test(password)) throw Invalid("密码不能只含数字，请混合字母、数字或符号", undefined, "weak_password");
}

/** Sets (or replaces) the password of the person with `mobile`, clearing any lockout; audited without the password. */
export async function setPassword(db: Database, clock: Clock, mobile: string, password: string, actor = "cli"): Promise<Person> {
  checkPasswordRule(password);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const person = await tx.findOne(Person, { where: { mobile: mobile.trim() } });
    if (!person) throw NotFound(`手机号为 ${mobile} 的人员`, "person_not_found");
    if (!person.active) throw Invalid(`${person.name} 已停用，不能设置密码`, undefined, "person_inactive");
    await tx.save(PersonCredential, { personId: person.id, passwordHash, failedAttempts: 0, lockedUntil: null, passwordSetAt: clock.now(), lastSignInAt: null });
    await appendAudit(tx, { at: clock.now(), actor, action: "password.set", entityType: "person", entityId: person.id });
    return person;
  });
}

const badCredentials = () => new AppError("bad_credentials", "手机号或密码不正确", 401);

/**
 * The person whose mobile and password these are. Wrong answers count towards a lockout, during
 * which even the right password is refused; an unknown mobile is answered like a wrong password.
 */
export async function checkPassword(db: Database, clock: Clock, mobile: string, password: string): Promise<Person> {
  const person = await db.manager.findOne(Person, { where: { mobile: mobile.trim() } });
  const credential = person ? await db.manager.findOne(PersonCredential, { where: { personId: person.id } }) : null;
  if (!person || !credential) {
    // Same work as a real check, so timing does not tell which mobiles have accounts.
    await verify(await dummy(), password).catch(() => false);
    throw badCredentials();
  }
  const now = clock.now();
  if (credential.lockedUntil && credential.lockedUntil.getTime() > now.getTime()) throw locked(credential.lockedUntil);
  if (!(await verify(credential.passwordHash, password).catch(() => false))) {
    const failed = credential.failedAttempts + 1;
    const lockedUntil = failed >= LOCKOUT.attempts ? new Date(now.getTime() + LOCKOUT.minutes * 60_000) : null;
    await db.transaction(async (tx) => {
      // Counted in SQL so two wrong guesses at once both count.
      await tx.increment(PersonCredential, { personId: person.id }, "failedAttempts", 1);
      if (lockedUntil) {
        await tx.update(PersonCredential, { personId: person.id }, { lockedUntil, failedAttempts: 0 });
        await appendAudit(tx, { at: now, actor: "system", action: "sign_in.locked", entityType: "person", entityId: person.id, after: { lockedUntil: lockedUntil.toISOString() } });
      }
    });
    if (lockedUntil) throw locked(lockedUntil);
    throw badCredentials();
  }
  if (!person.active) throw badCredentials();
  await db.write((m) => m.update(PersonCredential, { personId: person.id }, { failedAttempts: 0, lockedUntil: null, lastSignInAt: now }));
  return person;
}

function locked(until: Date): AppError {
  const at = until.toLocaleTimeString("zh-CN", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false });
  return new AppError("account_locked", `密码错误次数过多，账号已锁定至 ${at}（北京时间），请稍后再试或联系管理员`, 423);
}

// The hash of a random string, checked against when no account exists; made once, on first need.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString("hex")));
