import type { EntityManager } from "typeorm";
import { Enterprise, OrgUnit, Person } from "../../db/entities";

/**
 * The directory as the database holds it, with lookups by the keys spreadsheets use. Read inside
 * the import's transaction, so checks and writes see the same state.
 */
export class StoredDirectory {
  readonly unitByCode: Map<string, OrgUnit>;
  readonly unitById: Map<number, OrgUnit>;
  readonly personByMobile: Map<string, Person>;
  readonly personById: Map<number, Person>;
  readonly enterpriseByCode: Map<string, Enterprise>;

  constructor(
    readonly units: OrgUnit[],
    readonly people: Person[],
    readonly enterprises: Enterprise[],
  ) {
    // Codes are compared upper-case, as the import stores them.
    this.unitByCode = new Map(units.map((u) => [u.code.toUpperCase(), u]));
    this.unitById = new Map(units.map((u) => [u.id, u]));
    this.personByMobile = new Map(people.map((p) => [p.mobile, p]));
    this.personById = new Map(people.map((p) => [p.id, p]));
    this.enterpriseByCode = new Map(enterprises.map((e) => [e.creditCode.toUpperCase(), e]));
  }

  static async load(tx: EntityManager): Promise<StoredDirectory> {
    const [units, people, enterprises] = [
      await tx.find(OrgUnit, { order: { id: "ASC" } }),
      await tx.find(Person, { order: { id: "ASC" } }),
      await tx.find(Enterprise, { order: { id: "ASC" } }),
    ];
    return new StoredDirectory(units, people, enterprises);
  }

  static empty(): StoredDirectory {
    return new StoredDirectory([], [], []);
  }

  unitCode(id: number | null): string | null {
    return id === null ? null : (this.unitById.get(id)?.code.toUpperCase() ?? null);
  }

  mobile(id: number | null): string | null {
    return id === null ? null : (this.personById.get(id)?.mobile ?? null);
  }
}
