import { type EntityManager, In, LessThanOrEqual, MoreThan } from "typeorm";
import { OrgUnit, Person } from "../../db/entities";
import { DutyShift } from "../../db/entities/DutyShift";
import type { AudienceSpec } from "../kernel/escalation";
import type { RoleCode } from "../org/vocabulary";

/** Who serves a shift: the swap's taker, else the planned person. */
export const serverOf = (shift: Pick<DutyShift, "personId" | "servedById">): number => shift.servedById ?? shift.personId;

const HEAD_ROLES: readonly RoleCode[] = ["admin_owner", "deputy_leader", "chief"];

/** The unit's id and its ancestors', nearest first (`path` is `/1/4/17/`). */
export async function chainOf(manager: EntityManager, unitId: number): Promise<number[]> {
  const unit = await manager.findOneBy(OrgUnit, { id: unitId });
  if (!unit) return [unitId];
  const ids = unit.path.split("/").filter(Boolean).map(Number).reverse();
  return ids[0] === unit.id ? ids : [unit.id, ...ids];
}

/**
 * The duty leader (带班领导) on duty at `at` for a unit: the nearest unit up the tree with a leader's
 * shift running then. The "who is on duty now" rows decide, so a swap or an edited roster counts.
 */
export async function leaderOnDuty(manager: EntityManager, chain: readonly number[], at: Date, except: number | null): Promise<number | null> {
  const rows = await manager.find(DutyShift, { where: { unitId: In([...chain]), role: "leader", startAt: LessThanOrEqual(at), endAt: MoreThan(at) }, order: { startAt: "ASC", id: "ASC" } });
  for (const unitId of chain) {
    const found = rows.find((r) => r.unitId === unitId && serverOf(r) !== except);
    if (found) return serverOf(found);
  }
  return null;
}

/** The head of the unit: up the tree, the first active 行政负责人, else 分管负责人, else 主要负责人. */
export async function unitHead(manager: EntityManager, chain: readonly number[], except: number | null): Promise<number | null> {
  const staff = await manager.find(Person, { where: { unitId: In([...chain]), active: true }, order: { id: "ASC" } });
  for (const unitId of chain) {
    for (const role of HEAD_ROLES) {
      const p = staff.find((s) => s.unitId === unitId && s.roles.includes(role) && s.id !== except);
      if (p) return p.id;
    }
  }
  return null;
}

/**
 * A policy step's audience for a shift: `duty` (who serves it), `leader` (the duty leader on duty
 * then, else the unit head), `unit_head`. Entries that are lists are fallback chains.
 */
export async function audienceOf(manager: EntityManager, shift: DutyShift, spec: AudienceSpec, at: Date): Promise<number[]> {
  const chain = await chainOf(manager, shift.unitId);
  const duty = serverOf(shift);
  const resolve = async (name: string): Promise<number | null> => {
    if (name === "duty") return duty;
    if (name === "leader") return (await leaderOnDuty(manager, chain, at, duty)) ?? (await unitHead(manager, chain, duty));
    if (name === "unit_head") return unitHead(manager, chain, duty);
    return null;
  };
  const out: number[] = [];
  for (const entry of spec) {
    const names = typeof entry === "string" ? [entry] : entry;
    for (const name of names) {
      const id = await resolve(name);
      if (id !== null) {
        out.push(id);
        break;
      }
    }
  }
  return [...new Set(out)];
}
