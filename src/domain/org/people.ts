import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { Person } from "../../db/entities";
import type { RoleCode } from "./vocabulary";

/** The person behind a messenger account, or null when the account is not in the directory. */
export async function findByChannelAccount(manager: EntityManager, channel: ChannelId, userId: string): Promise<Person | null> {
  if (channel === "wecom") return manager.findOne(Person, { where: { wecomUserId: userId } });
  if (channel === "dingtalk") return manager.findOne(Person, { where: { dingtalkUserId: userId } });
  const id = Number(userId);
  return Number.isInteger(id) ? manager.findOne(Person, { where: { id } }) : null;
}

/** Active people holding a role, e.g. the administrators to tell about an unknown sender. */
export async function activeWithRole(manager: EntityManager, role: RoleCode): Promise<Person[]> {
  const people = await manager.find(Person, { where: { active: true }, order: { id: "ASC" } });
  return people.filter((p) => p.roles.includes(role));
}
