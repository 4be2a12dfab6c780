import { ChannelError } from "../channel";
import type { DingtalkApi, OapiReply } from "./api";
import { mapLimit } from "../mapLimit";

/**
 * The DingTalk address book as contact sync reads it (the domain's `ContactSource`, matched by
 * shape): department ids walked down from the root (1) with listsubid, each department's user ids
 * with user/listid, then each member's details. Any failure throws: a partial list would look
 * like people leaving.
 */

export interface DingtalkDepartment {
  id: number;
  parentId: number | null;
  name: string;
}

export interface DingtalkMember {
  userId: string;
  name: string;
  departmentIds: number[];
  mobile?: string;
  active: boolean;
}

/** DingTalk's root department. */
const ROOT = 1;
/** Calls in flight at once: far under the per-app QPS, still quick for a county. */
const PARALLEL = 4;
/** "部门不存在" / "用户不存在": gone from the address book. */
const DEPT_GONE = new Set([60003, 60123]);
const USER_GONE = new Set([60121, 33012]);

interface Result<T> extends OapiReply {
  result?: T;
}

export class DingtalkContacts {
  /** Members' ids are DingTalk userids. */
  readonly channel = "dingtalk" as const;

  constructor(private readonly api: DingtalkApi) {}

  async departments(): Promise<DingtalkDepartment[]> {
    const ids = await this.departmentIds();
    const found = await mapLimit(ids, PARALLEL, (id) => this.department(id));
    return found.filter((d): d is DingtalkDepartment => d !== null);
  }

  async members(): Promise<DingtalkMember[]> {
    const userIds = new Set<string>();
    await mapLimit(await this.departmentIds(), PARALLEL, async (deptId) => {
      const reply = await this.api.post<Result<{ userid_list?: string[] }>>("topapi/user/listid", { dept_id: deptId });
      for (const u of reply.result?.userid_list ?? []) userIds.add(u);
    });
    const members = await mapLimit([...userIds], PARALLEL, (userId) => this.member(userId));
    return members.filter((m): m is DingtalkMember => m !== null);
  }

  async department(id: number): Promise<DingtalkDepartment | null> {
    try {
      const reply = await this.api.post<Result<{ dept_id: number; name?: string; parent_id?: number }>>("topapi/v2/department/get", { dept_id: id });
      const d = reply.result;
      if (!d) return null;
      return { id: d.dept_id, parentId: d.dept_id === ROOT || !d.parent_id ? null : d.parent_id, name: d.name || `部门${d.dept_id}` };
    } catch (err) {
      if (gone(err, DEPT_GONE)) return null;
      throw err;
    }
  }

  async member(userId: string): Promise<DingtalkMember | null> {
    try {
      const reply = await this.api.post<Result<{ userid: string; name?: string; dept_id_list?: number[]; mobile?: string; active?: boolean }>>("topapi/v2/user/get", { userid: userId });
      const u = reply.result;
      if (!u) return null;
      return { userId: u.userid, name: u.name || u.userid, departmentIds: u.dept_id_list ?? [], ...(u.mobile ? { mobile: u.mobile } : {}), active: u.active !== false };
    } catch (err) {
      if (gone(err, USER_GONE)) return null;
      throw err;
    }
  }

  /** The root and every department below it. */
  private async departmentIds(): Promise<number[]> {
    const all = [ROOT];
    for (let i = 0; i < all.length; i++) {
      const reply = await this.api.post<Result<{ dept_id_list?: number[] }>>("topapi/v2/department/listsubid", { dept_id: all[i] });
      for (const id of reply.result?.dept_id_list ?? []) if (!all.includes(id)) all.push(id);
    }
    return all;
  }
}

function gone(err: unknown, codes: ReadonlySet<number>): boolean {
  return err instanceof ChannelError && codes.has(Number(err.code.replace(/^dingtalk_/, "")));
}
