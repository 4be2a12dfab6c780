import type { EntityManager } from "typeorm";
import { isMysqlFamily } from "../../db/dialect";
import { Callout } from "../../db/entities";

/** The campaign row, locked on MariaDB so its ticks, sends and cancels take turns (SQLite is serial). */
export async function lockCallout(tx: EntityManager, id: number): Promise<Callout | null> {
  const query = tx.createQueryBuilder(Callout, "c").where("c.id = :id", { id });
  if (isMysqlFamily(tx)) query.setLock("pessimistic_write");
  return query.getOne();
}
