import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { Person } from "../../db/entities";
import type { RoleCode } from "./vocabulary";

/**
 * The person behind a messenger account, or null when the account is not in the directory.
 * WeChat Work user ids are case-insensitive (the platform reports them lower-cased, e.g. in
 * `invaliduser`), and MariaDB's collation ignores case while SQLite's does not: compare lower-cased
 * on both, so `ZhangSan` imported from a sheet is found when `zhangsan` writes. The people table is
 * small, so giving up the index here costs nothing.
 */
export async function findByChannelAccount(manager: EntityManager, channel: ChannelId, userId: string): Promise<Person | null> {
  if (channel === "wecom") {
    return manager.createQueryBuilder(Person, "p").where("LOWER(p.wecom_user_id) = LOWER(:userId)", { userId }).orderBy("p.id", "ASC").getOne();
  }
  if (channel === "dingtalk") return manager.findOne(Person, { where: { dingtalkUserId: userId } });
  const id = Number(userId);
  return Number.isInteger(id) ? manager.findOne(Person, { where: { id } }) : null;
}

/** Active people holding a role, e.g. the administrators to tell about an unknown sender. */
export async function activeWithRole(manager: EntityManager, role: RoleCode): Promise<Person[]> {
  const people = await manager.find(Person, { where: { active: true }, order: { id: "ASC" } });
  return people.filter((p) => p.roles.includes(role));
}
