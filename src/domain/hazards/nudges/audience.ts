import { type EntityManager, In, IsNull } from "typeorm";
import { OrgUnit, Person } from "../../../db/entities";
import type { RoleCode } from "../../org/vocabulary";
import { LEADER_ROLES } from "../policy";
import type { NudgeStep } from "./ladder";

/**
 * Who hears each step of the ladder:
 * - reminder: the hazard's owner (责任人);
 * - 提醒单: the owner and the department supervisor (行业部门监管负责人);
 * - 督办单: the head of the supervising unit — walking from the hazard's unit up to the root, the
 *   first unit with an active person holding admin_owner, else deputy_leader, else chief (lowest
 *   person id on ties), so a village's hazard goes to its town's leader and an office's to the
 *   bureau's leader in charge;
 * - 挂牌督办: the county's deputy leader — the root unit's active deputy_leader with the lowest id,
 *   else its chief.
 */
export interface Audience {
  recipientsOf(step: NudgeStep, hazard: AudienceHazard): number[];
  /** Everyone this audience names, to load their contacts once. */
  people(): Person[];
}

/** The fields of a hazard that decide its audience. */
export interface AudienceHazard {
  ownerId: number | null;
  supervisorId: number | null;
  unitId: number;
}

const HEAD_ROLES: readonly RoleCode[] = ["admin_owner", "deputy_leader", "chief"];

/** Loads the units, heads and leaders the given hazards need, in a handful of queries. */
export async function loadAudience(tx: EntityManager, hazards: readonly AudienceHazard[]): Promise<Audience> {
  const unitIds = [...new Set(hazards.map((h) => h.unitId))];
  const units = unitIds.length ? await tx.find(OrgUnit, { where: { id: In(unitIds) } }) : [];
  const chains = new Map(units.map((u) => [u.id, ancestry(u)]));
  const root = await tx.findOne(OrgUnit, { where: { parentId: IsNull() }, order: { id: "ASC" } });
  const chainUnits = new Set([...chains.values()].flat());
  if (root) chainUnits.add(root.id);
  const staff = chainUnits.size ? await tx.find(Person, { where: { unitId: In([...chainUnits]), active: true }, order: { id: "ASC" } }) : [];
  const heads = new Map<number, Person | null>();
  for (const [unitId, chain] of chains) heads.set(unitId, firstHolder(staff, chain, HEAD_ROLES));
  const leader = root ? firstHolder(staff, [root.id], LEADER_ROLES) : null;

  const directIds = [...new Set(hazards.flatMap((h) => [h.ownerId, h.supervisorId]).filter((id): id is number => id !== null))];
  const direct = directIds.length ? await tx.find(Person, { where: { id: In(directIds) } }) : [];
  const everyone = new Map<number, Person>([...direct, ...staff].map((p) => [p.id, p]));

  return {
    recipientsOf(step, hazard) {
      const ids = ((): (number | null | undefined)[] => {
        if (step === "reminder") return [hazard.ownerId];
        if (step === "notice") return [hazard.ownerId, hazard.supervisorId];
        if (step === "order") return [heads.get(hazard.unitId)?.id];
        return [leader?.id];
      })();
      return [...new Set(ids.filter((id): id is number => typeof id === "number" && everyone.has(id)))];
    },
    people: () => [...everyone.values()],
  };
}

/** The unit's own id, then its ancestors', nearest first (`path` is `/1/4/17/` including itself). */
function ancestry(unit: OrgUnit): number[] {
  const ids = unit.path.split("/").filter(Boolean).map(Number).reverse();
  return ids[0] === unit.id ? ids : [unit.id, ...ids];
}

/** Walking `chain` nearest first: the first unit with a holder of a role, roles in preference order. */
function firstHolder(staff: readonly Person[], chain: readonly number[], roles: readonly RoleCode[]): Person | null {
  for (const unitId of chain) {
    for (const role of roles) {
      const holder = staff.find((p) => p.unitId === unitId && p.roles.includes(role));
      if (holder) return holder;
    }
  }
  return null;
}
