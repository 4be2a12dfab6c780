import type { WecomApi, WecomReply } from "./api";
import { WecomError } from "./wecomError";
import { mapLimit } from "../mapLimit";

/**
 * The WeChat Work address book, as contact sync reads it (the domain's `ContactSource`, matched
 * by shape so this adapter needs nothing from the domain). Uses department/simplelist +
 * department/get, because department/list is closed to IPs added since 2022-08 (PROTOCOLS §2.6),
 * and user/simplelist per department + user/get for mobile, status and main department.
 * Any failure throws: a partial list would look like people leaving.
 */

export interface WecomDepartment {
  id: number;
  parentId: number | null;
  name: string;
}

export interface WecomMember {
  userId: string;
  name: string;
  departmentIds: number[];
  mainDepartmentId?: number;
  mobile?: string;
  active: boolean;
}

interface SimpleDepartment {
  id: number;
  parentid: number;
}

interface UserDetail extends WecomReply {
  userid: string;
  name?: string;
  department?: number[];
  main_department?: number;
  mobile?: string;
  /** 1 active, 2 disabled, 4 not yet activated, 5 left the company. */
  status?: number;
}

/** Calls in flight at once: well under the per-corp API limits, still quick for a county. */
const PARALLEL = 4;

export class WecomContacts {
  /** Members' ids are WeChat Work accounts. */
  readonly channel = "wecom" as const;

  constructor(private readonly api: WecomApi) {}

  async departments(): Promise<WecomDepartment[]> {
    const list = await this.api.get<WecomReply & { department_id?: SimpleDepartment[] }>("department/simplelist");
    const ids = (list.department_id ?? []).map((d) => d.id);
    const found = await mapLimit(ids, PARALLEL, (id) => this.department(id));
    return found.filter((d): d is WecomDepartment => d !== null);
  }

  async members(): Promise<WecomMember[]> {
    const departments = await this.api.get<WecomReply & { department_id?: SimpleDepartment[] }>("department/simplelist");
    const basics = new Map<string, { userid: string; name: string; department?: number[] }>();
    await mapLimit(departments.department_id ?? [], PARALLEL, async (d) => {
      const reply = await this.api.get<WecomReply & { userlist?: { userid: string; name: string; department?: number[] }[] }>("user/simplelist", {
        department_id: d.id,
      });
      for (const u of reply.userlist ?? []) basics.set(u.userid, u);
    });
    return mapLimit([...basics.values()], PARALLEL, async (basic) => {
      const detail = await this.detail(basic.userid);
      // Without the right to read a member's details the list entry still says who they are.
      return toMember(detail ?? { userid: basic.userid, name: basic.name, department: basic.department });
    });
  }

  async department(id: number): Promise<WecomDepartment | null> {
    try {
      const reply = await this.api.get<WecomReply & { department?: { id: number; name?: string; parentid?: number } }>("department/get", { id });
      const d = reply.department;
      if (!d) return null;
      return { id: d.id, parentId: d.parentid ? d.parentid : null, name: d.name || `部门${d.id}` };
    } catch (err) {
      if (err instanceof WecomError && err.errcode === 60123) return null;
      throw err;
    }
  }

  async member(userId: string): Promise<WecomMember | null> {
    try {
      const detail = await this.api.get<UserDetail>("user/get", { userid: userId });
      return toMember(detail);
    } catch (err) {
      if (err instanceof WecomError && err.errcode === 60111) return null;
      throw err;
    }
  }

  private async detail(userId: string): Promise<UserDetail | null> {
    try {
      return await this.api.get<UserDetail>("user/get", { userid: userId });
    } catch (err) {
      if (err instanceof WecomError && err.errcode === 60011) return null;
      throw err;
    }
  }
}

function toMember(u: Pick<UserDetail, "userid" | "name" | "department" | "main_department" | "mobile" | "status">): WecomMember {
  return {
    userId: u.userid,
    name: u.name || u.userid,
    departmentIds: u.department ?? [],
    ...(u.main_department ? { mainDepartmentId: u.main_department } : {}),
    ...(u.mobile ? { mobile: u.mobile } : {}),
    active: u.status !== 2 && u.status !== 5,
  };
}
