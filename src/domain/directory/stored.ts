import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { Enterprise, OrgUnit, Person, PersonAccount } from "../../db/entities";
import { ACCOUNT_FIELDS, type AccountField, accountFieldList } from "./model";

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
    /** Everyone's messenger accounts (person_accounts rows). */
    private readonly accounts: readonly Pick<PersonAccount, "personId" | "channel" | "accountId">[] = [],
  ) {
    // Codes are compared upper-case, as the import stores them.
    this.unitByCode = new Map(units.map((u) => [u.code.toUpperCase(), u]));
    this.unitById = new Map(units.map((u) => [u.id, u]));
    this.personByMobile = new Map(people.map((p) => [p.mobile, p]));
    this.personById = new Map(people.map((p) => [p.id, p]));
    this.enterpriseByCode = new Map(enterprises.map((e) => [e.creditCode.toUpperCase(), e]));
    for (const a of accounts) this.accountsByPerson.set(a.personId, (this.accountsByPerson.get(a.personId) ?? new Map()).set(a.channel, a.accountId));
  }

  private readonly accountsByPerson = new Map<number, Map<ChannelId, string>>();

  /** A person's accounts as the 人员 sheet's account columns show them. */
  accountFields(personId: number): Record<AccountField, string | null> {
    const held = this.accountsByPerson.get(personId);
    return Object.fromEntries(accountFieldList.map((f) => [f, held?.get(ACCOUNT_FIELDS[f]) ?? null])) as Record<AccountField, string | null>;
  }

  static async load(tx: EntityManager): Promise<StoredDirectory> {
    const [units, people, enterprises, accounts] = [
      await tx.find(OrgUnit, { order: { id: "ASC" } }),
      await tx.find(Person, { order: { id: "ASC" } }),
      await tx.find(Enterprise, { order: { id: "ASC" } }),
      await tx.find(PersonAccount, { select: { personId: true, channel: true, accountId: true }, order: { id: "ASC" } }),
    ];
    return new StoredDirectory(units, people, enterprises, accounts);
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
