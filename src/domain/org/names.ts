import { type EntityManager, In } from "typeorm";
import { Enterprise, OrgUnit, Person } from "../../db/entities";

/** Display names by id, for lists and details that refer to people, units and enterprises. */
export interface Names {
  people: Map<number, string>;
  units: Map<number, string>;
  enterprises: Map<number, string>;
}

/** The ids a page refers to; nulls (nobody assigned yet) are skipped. */
export interface NameIds {
  people?: readonly (number | null)[];
  units?: readonly (number | null)[];
  enterprises?: readonly (number | null)[];
}

/** Reads the names of everything a page shows, one query per kind, only the columns needed. */
export async function namesOf(manager: EntityManager, ids: NameIds): Promise<Names> {
  const distinct = (list: readonly (number | null)[] = []) => [...new Set(list.filter((v): v is number => v !== null))];
  const [people, units, enterprises] = await Promise.all([
    byId(manager, Person, distinct(ids.people)),
    byId(manager, OrgUnit, distinct(ids.units)),
    byId(manager, Enterprise, distinct(ids.enterprises)),
  ]);
  return { people, units, enterprises };
}

async function byId(manager: EntityManager, entity: typeof Person | typeof OrgUnit | typeof Enterprise, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = (await manager.find(entity, { where: { id: In(ids) }, select: { id: true, name: true } })) as { id: number; name: string }[];
  return new Map(rows.map((r) => [r.id, r.name]));
}
