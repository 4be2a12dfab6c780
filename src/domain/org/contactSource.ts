import type { ChannelId } from "../../channels/channel";
import type { FieldProblem } from "../../errors";

/**
 * What contact sync needs from a messenger's address book, in the domain's own words. The WeChat
 * Work adapter implements it (src/channels/wecom/contacts.ts); the domain never sees the API.
 */

/** A department as the messenger lists it. */
export interface ContactDepartment {
  id: number;
  /** null for the top of the tree (WeChat Work's parentid 0). */
  parentId: number | null;
  name: string;
}

/** A member as the messenger lists it. */
export interface ContactMember {
  /** The messenger's account id (WeChat Work userid). */
  userId: string;
  name: string;
  departmentIds: number[];
  mainDepartmentId?: number;
  /** Only when the platform reveals it (newer WeChat Work apps need the member's consent). */
  mobile?: string;
  /** False for accounts that are disabled or have left (WeChat Work status 2 or 5). */
  active: boolean;
}

export interface ContactSource {
  /** The channel whose accounts the members' ids are (`wecom`): sync links people through them. */
  readonly channel: ChannelId;
  /** Every department the app can see; throws rather than return a partial list. */
  departments(): Promise<ContactDepartment[]>;
  /** Every member the app can see; throws rather than return a partial list. */
  members(): Promise<ContactMember[]>;
  /** One department, or null when the platform no longer knows it. */
  department(id: number): Promise<ContactDepartment | null>;
  /** One member, or null when the platform no longer knows them. */
  member(userId: string): Promise<ContactMember | null>;
}

/** A change_contact event, in the shape the inbound side hands over (ids as the platform sent them). */
export interface ContactChangeEvent {
  change: "create_user" | "update_user" | "delete_user" | "create_party" | "update_party" | "delete_party";
  userId?: string;
  /** Set on update_user when the member's userid itself was changed. */
  newUserId?: string;
  departmentId?: number | string;
}

/** What a sync changed; all zero when the directory already matched. */
export interface ContactSyncResult {
  units: { created: number; updated: number; linked: number };
  people: { created: number; updated: number; linked: number; deactivated: number; reactivated: number };
  /** Members or departments that could not be taken over, with the reason in Chinese. */
  problems: FieldProblem[];
}

export function emptyResult(): ContactSyncResult {
  return {
    units: { created: 0, updated: 0, linked: 0 },
    people: { created: 0, updated: 0, linked: 0, deactivated: 0, reactivated: 0 },
    problems: [],
  };
}

/** Actors of the audit entries contact sync writes all start with this. */
export const SYNC_ACTOR = "wecom-sync";

/** The code of a unit created for a messenger's department: `wecom-dept-12`, `dingtalk-dept-12`. */
export const unitCodeFor = (departmentId: number, channel: ChannelId = "wecom") => `${channel}-dept-${departmentId}`;

/** `+86 138-0013-8000` → `13800138000`; other countries keep their `+` form without separators. */
export function normalizeMobile(raw: string | undefined): string | undefined {
  const compact = (raw ?? "").replace(/[\s-]/g, "");
  if (compact === "") return undefined;
  const mainland = /^(?:\+?86|0086)?(1\d{10})$/.exec(compact);
  if (mainland) return mainland[1];
  return /^\+?\d{5,19}$/.test(compact) ? compact : undefined;
}
