import type { EntityManager } from "typeorm";
import { Person } from "../../db/entities";
import type { RoleCode } from "./vocabulary";

/** The person behind a messenger account: see accounts.ts, where every account lookup lives. */
export { findByChannelAccount } from "./accounts";

/** Active people holding a role, e.g. the administrators to tell about an unknown sender. */
export async function activeWithRole(manager: EntityManager, role: RoleCode): Promise<Person[]> {
  const people = await manager.find(Person, { where: { active: true }, order: { id: "ASC" } });
  return people.filter((p) => p.roles.includes(role));
}
