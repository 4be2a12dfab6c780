import { randomBytes } from "node:crypto";
import ical from "ical-generator";
import type { EntityManager } from "typeorm";
import type { Person } from "../../db/entities";
import { DutyCalendarLink } from "../../db/entities/DutyCalendarLink";
import { isDuplicateKeyError } from "../../db/dialect";
import { shiftsOfPerson } from "./shifts";
import { viewsOf } from "./views";
import { dutyRoles } from "./vocabulary";
import { serverOf } from "./audience";

const ZONE = "Asia/Shanghai";
const OFFSET_MS = 8 * 3_600_000;

/** China keeps no daylight saving: one STANDARD rule describes Asia/Shanghai for every date. */
const VTIMEZONE = ["BEGIN:VTIMEZONE", `TZID:${ZONE}`, "BEGIN:STANDARD", "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800", "TZNAME:CST", "DTSTART:19700101T000000", "END:STANDARD", "END:VTIMEZONE"].join("\r\n");

/**
 * ical-generator writes a plain Date's UTC fields after `TZID=`; handing it the instant moved by
 * the zone's fixed offset makes those fields the Shanghai wall-clock time the TZID promises.
 */
const wallClock = (at: Date): Date => new Date(at.getTime() + OFFSET_MS);

/** The person's link token, made on first ask. */
export async function linkToken(tx: EntityManager, person: Person, now: Date): Promise<string> {
  const known = await tx.findOneBy(DutyCalendarLink, { personId: person.id });
  if (known) return known.token;
  const token = randomBytes(24).toString("base64url");
  try {
    await tx.insert(DutyCalendarLink, { personId: person.id, token, createdAt: now });
    return token;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    return (await tx.findOneByOrFail(DutyCalendarLink, { personId: person.id })).token;
  }
}

export async function revokeLink(tx: EntityManager, person: Person): Promise<void> {
  await tx.delete(DutyCalendarLink, { personId: person.id });
}

/**
 * The RFC 5545 feed of a token's person: every shift they serve from 30 days back to 180 ahead,
 * one VEVENT each with a stable UID, in Asia/Shanghai. Null for an unknown or revoked token.
 */
export async function calendarFeed(manager: EntityManager, token: string, now: Date): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return null;
  const link = await manager.findOneBy(DutyCalendarLink, { token });
  if (!link) return null;
  const shifts = (await shiftsOfPerson(manager, link.personId, new Date(now.getTime() - 30 * 86_400_000), new Date(now.getTime() + 180 * 86_400_000))).filter((s) => serverOf(s) === link.personId);
  const views = await viewsOf(manager, shifts);
  const cal = ical({ name: "我的值班", prodId: { company: "anshao", product: "duty", language: "ZH" }, timezone: { name: ZONE, generator: () => VTIMEZONE } });
  shifts.forEach((s, i) => {
    const v = views[i];
    cal.createEvent({
      id: `duty-shift-${s.id}@anshao`,
      start: wallClock(s.startAt),
      end: wallClock(s.endAt),
      timezone: ZONE,
      stamp: s.updatedAt,
      lastModified: s.updatedAt,
      summary: `值班：${v?.unitName ?? ""}（${dutyRoles.labelOf(s.role)}）`,
      description: "到岗后请在企业微信/钉钉中回复“到岗签到”。",
    });
  });
  return cal.toString();
}
