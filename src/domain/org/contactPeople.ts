import type { EntityManager } from "typeorm";
import type { ChannelId } from "../../channels/channel";
import { AuditEntry, OrgUnit, Person, PersonAccount } from "../../db/entities";
import { accountOf, setAccount } from "./accounts";
import { appendAudit, diffFields } from "../audit/auditLog";
import { type ContactMember, type ContactSyncResult, normalizeMobile, SYNC_ACTOR } from "./contactSource";
import type { ContactUnits } from "./contactUnits";

/** What sync keeps in step with the address book: a person's fields and their account on the source's channel. */
type Synced = Partial<Pick<Person, "name" | "mobile" | "unitId" | "active">> & { account?: string | null };

/**
 * Members → people, inside the caller's transaction. A person is found by WeChat Work userid,
 * else by mobile; name, mobile and active follow WeChat Work. The unit follows the member's main
 * department only while the person sits in a unit linked to WeChat Work — someone an
 * administrator placed elsewhere stays there. Nobody is ever deleted.
 */
export class ContactPeople {
  constructor(
    private readonly tx: EntityManager,
    /** Whose accounts the members' ids are. */
    private readonly channel: ChannelId,
    private readonly units: ContactUnits,
    private readonly audit: { at: Date; actor: string },
    private readonly result: ContactSyncResult,
  ) {}

  /** Creates, links or updates the person of `member`; `previousUserId` when WeChat Work renamed the account. */
  async apply(member: ContactMember, previousUserId?: string): Promise<void> {
    const where = `企业微信成员 ${member.userId}`;
    const mobile = normalizeMobile(member.mobile);
    let person =
      (previousUserId ? await this.holderOf(previousUserId) : null) ??
      (await this.holderOf(member.userId));
    if (!person && mobile) {
      const byMobile = await this.tx.findOne(Person, { where: { mobile } });
      const linked = byMobile && (await accountOf(this.tx, byMobile.id, this.channel));
      if (byMobile && linked) {
        this.result.problems.push({ where, message: `手机号与人员 #${byMobile.id} 相同，但该人员已关联企业微信账号 ${linked}，未自动关联` });
        return;
      }
      person = byMobile;
    }
    const unit = await this.unitOf(member);
    if (!person) return this.create(member, mobile, unit, where);

    const next: Synced = { name: member.name.slice(0, 50), account: member.userId };
    if (member.active || person.active) next.active = member.active && (person.active || (await this.deactivatedBySync(person.id)));
    if (mobile && mobile !== person.mobile) {
      const holder = await this.tx.findOne(Person, { where: { mobile } });
      if (holder && holder.id !== person.id) this.result.problems.push({ where, message: `企业微信中的手机号已属于人员 #${holder.id}，未更新手机号` });
      else next.mobile = mobile;
    }
    if (unit && unit.id !== person.unitId && (await this.inLinkedUnit(person))) next.unitId = unit.id;
    await this.update(person, next);
  }

  /** The person holding `userId` on the source's channel. */
  private async holderOf(userId: string): Promise<Person | null> {
    const held = await this.tx.findOne(PersonAccount, { where: { channel: this.channel, accountId: userId } });
    return held ? this.tx.findOne(Person, { where: { id: held.personId } }) : null;
  }

  /** Marks a person inactive (left WeChat Work, or no longer in the app's visible range). */
  async deactivate(person: Person): Promise<void> {
    await this.update(person, { active: false });
  }

  private async create(member: ContactMember, mobile: string | undefined, unit: OrgUnit | null, where: string): Promise<void> {
    if (!mobile) {
      this.result.problems.push({ where, message: "企业微信未提供手机号，无法新建人员；请在人员导入表中填写其手机号和企业微信账号后重新同步" });
      return;
    }
    if (!unit) {
      this.result.problems.push({ where, message: "所在部门尚未同步为单位，无法新建人员" });
      return;
    }
    const fields = { name: member.name.slice(0, 50), mobile, unitId: unit.id, account: member.userId, active: member.active };
    const { account, ...columns } = fields;
    const person = this.tx.create(Person, { ...columns, roles: [], superiorId: null, preferredChannel: null, createdAt: this.audit.at, updatedAt: this.audit.at });
    await this.tx.save(Person, person);
    await setAccount(this.tx, person.id, this.channel, account, this.audit.at);
    this.result.people.created += 1;
    await appendAudit(this.tx, { ...this.audit, action: "person.sync_create", entityType: "person", entityId: person.id, after: fields });
  }

  private async update(person: Person, next: Synced): Promise<void> {
    const account = await accountOf(this.tx, person.id, this.channel);
    const { before, after } = diffFields<Synced>({ ...person, account }, next);
    const changed = Object.keys(after);
    if (changed.length === 0) return;
    const counts = this.result.people;
    const action =
      after.active === false ? "person.sync_deactivate" : after.active === true ? "person.sync_reactivate" : "account" in after && account === null ? "person.sync_link" : "person.sync_update";
    if (action === "person.sync_deactivate") counts.deactivated += 1;
    else if (action === "person.sync_reactivate") counts.reactivated += 1;
    else if (action === "person.sync_link") counts.linked += 1;
    else counts.updated += 1;
    const { account: newAccount, ...columns } = after;
    if (newAccount !== undefined) await setAccount(this.tx, person.id, this.channel, newAccount, this.audit.at);
    await this.tx.update(Person, { id: person.id }, { ...columns, updatedAt: this.audit.at });
    Object.assign(person, columns);
    await appendAudit(this.tx, { ...this.audit, action, entityType: "person", entityId: person.id, before, after });
  }

  /** The unit of the member's main department, else of the first department that has one. */
  private async unitOf(member: ContactMember): Promise<OrgUnit | null> {
    const ids = [...(member.mainDepartmentId !== undefined ? [member.mainDepartmentId] : []), ...member.departmentIds];
    for (const id of ids) {
      const unit = await this.units.forDepartment(id);
      if (unit) return unit;
    }
    return null;
  }

  private async inLinkedUnit(person: Person): Promise<boolean> {
    const current = await this.tx.findOne(OrgUnit, { where: { id: person.unitId } });
    return current ? this.units.isLinked(current) : false;
  }

  /**
   * Sync brings back only people it deactivated itself: someone an administrator switched off
   * stays off even while their WeChat Work account lives on.
   */
  private async deactivatedBySync(personId: number): Promise<boolean> {
    const last = await this.tx
      .createQueryBuilder(AuditEntry, "a")
      .where("a.entity_type = :type AND a.entity_id = :id", { type: "person", id: String(personId) })
      .andWhere("a.after LIKE :active", { active: '%"active":false%' })
      .orderBy("a.id", "DESC")
      .getOne();
    return last?.actor.startsWith(SYNC_ACTOR) ?? false;
  }
}
