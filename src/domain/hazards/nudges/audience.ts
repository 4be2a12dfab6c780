import { type EntityManager, In, IsNull } from "typeorm";
import { OrgUnit, Person } from "../../../db/entities";
import type { AudienceSpec } from "../../kernel/escalation";
import type { RoleCode } from "../../org/vocabulary";
import { LEADER_ROLES } from "../policy";

/**
 * The names a ladder policy's audiences use (ladder.ts says which step hears whom):
 * - owner: the hazard's owner (责任人); supervisor: the department supervisor (行业部门监管负责人);
 * - enterprise_admin: the enterprise's 行政负责人 (one of its "三个责任人"), when set and active;
 * - unit_head: the head of the supervising unit — walking from the hazard's unit up to the root,
 *   the first unit with an active person holding admin_owner, else deputy_leader, else chief
 *   (lowest person id on ties), so a village's hazard goes to its town's leader and an office's to
 *   the bureau's leader in charge;
 * - county_leader: the root unit's active deputy_leader with the lowest id, else its chief.
 */
export interface Audience {
  recipientsOf(audience: AudienceSpec, hazard: AudienceHazard): number[];
  /** Everyone this audience names, to load their contacts once. */
  people(): Person[];
}

/** The fields of a hazard that decide its audience. */
export interface AudienceHazard {
  ownerId: number | null;
  supervisorId: number | null;
  unitId: number;
  /** The hazard's enterprise, loaded (null for a hazard not at an enterprise). */
  enterprise?: { adminOwnerId: number | null } | null;
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

  const adminIds = hazards.map((h) => h.enterprise?.adminOwnerId ?? null);
  const directIds = [...new Set([...hazards.flatMap((h) => [h.ownerId, h.supervisorId]), ...adminIds].filter((id): id is number => id !== null))];
  const direct = directIds.length ? await tx.find(Person, { where: { id: In(directIds) } }) : [];
  const everyone = new Map<number, Person>([...direct, ...staff].map((p) => [p.id, p]));
  // An inactive 行政负责人 (left the post) does not answer for the enterprise: the unit tree does.
  const activeAdmin = (h: AudienceHazard) => {
    const id = h.enterprise?.adminOwnerId ?? null;
    return id !== null && everyone.get(id)?.active ? id : null;
  };
  const resolve = (name: string, hazard: AudienceHazard): number | null | undefined => {
    if (name === "owner") return hazard.ownerId;
    if (name === "supervisor") return hazard.supervisorId;
    if (name === "enterprise_admin") return activeAdmin(hazard);
    if (name === "unit_head") return heads.get(hazard.unitId)?.id;
    if (name === "county_leader") return leader?.id;
    return null;
  };
  const known = (id: number | null | undefined): id is number => typeof id === "number" && everyone.has(id);

  return {
    recipientsOf(audience, hazard) {
      const ids = audience.map((entry) => (typeof entry === "string" ? resolve(entry, hazard) : entry.map((name) => resolve(name, hazard)).find(known)));
      return [...new Set(ids.filter(known))];
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
