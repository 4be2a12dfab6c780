import { randomBytes } from "node:crypto";

/**
 * What the fake WeChat Work remembers: its corp directory, issued tokens, accepted messages,
 * uploaded media and card response codes. Plain data, so tests can look inside.
 */

export interface FakeDepartment {
  id: number;
  name: string;
  /** 0 for the root department. */
  parentid: number;
  order?: number;
}

export interface FakeUser {
  userid: string;
  name: string;
  department: number[];
  main_department?: number;
  mobile?: string;
  /** 1 active (default), 2 disabled, 4 not activated, 5 left. */
  status?: number;
}

export interface FakeDirectory {
  departments: FakeDepartment[];
  users: FakeUser[];
}

/** One accepted message/send call. */
export interface FakeMessage {
  msgid: string;
  msgtype: string;
  body: Record<string, unknown>;
  at: number;
  /** Recipients who got it. */
  delivered: string[];
  /** Recipients over the 30/min or 1000/h per-member limit: accepted, never shown (as WeChat Work does). */
  dropped: string[];
  invalid: string[];
  responseCode?: string;
  taskId?: string;
  /** Set when the request repeated an earlier one under enable_duplicate_check and was suppressed. */
  duplicateOf?: string;
  recalled: boolean;
  /** update_template_card bodies applied to this message's card. */
  updates: Record<string, unknown>[];
}

export interface FakeMedia {
  bytes: Buffer;
  contentType: string;
  filename: string;
  createdAt: number;
}

export interface ResponseCode {
  msgid: string;
  expiresAt: number;
  used: boolean;
}

export class FakeState {
  readonly departments = new Map<number, FakeDepartment>();
  /** Keyed by lower-cased userid: WeChat Work userids are case-insensitive. */
  readonly users = new Map<string, FakeUser>();
  readonly tokens = new Map<string, { expiresAt: number }>();
  readonly messages: FakeMessage[] = [];
  readonly media = new Map<string, FakeMedia>();
  readonly responseCodes = new Map<string, ResponseCode>();
  readonly taskIds = new Set<string>();
  /** Send times per member, for the silent per-member limits. */
  readonly deliveries = new Map<string, number[]>();
  /** In-app sign-in codes (OAuth `code` → userid): five minutes, once. */
  readonly oauthCodes = new Map<string, { userid: string; expiresAt: number; used: boolean }>();
  /** The app menu last set with menu/create (its `button` array), or null. */
  menu: unknown[] | null = null;

  constructor(readonly now: () => number) {}

  setDirectory(directory: FakeDirectory): void {
    this.departments.clear();
    this.users.clear();
    for (const d of directory.departments) this.departments.set(d.id, { ...d });
    for (const u of directory.users) this.users.set(u.userid.toLowerCase(), { ...u });
  }

  user(userid: string): FakeUser | undefined {
    return this.users.get(userid.toLowerCase());
  }

  /** The department and every department below it. */
  subtree(id: number): FakeDepartment[] {
    const out: FakeDepartment[] = [];
    const visit = (parent: number) => {
      for (const d of this.departments.values()) if (d.parentid === parent) (out.push(d), visit(d.id));
    };
    const root = this.departments.get(id);
    if (root) (out.push(root), visit(id));
    return out;
  }

  issueResponseCode(msgid: string): string {
    const code = randomId(24);
    this.responseCodes.set(code, { msgid, expiresAt: this.now() + 72 * 3600_000, used: false });
    return code;
  }
}

export const randomId = (bytes = 16) => randomBytes(bytes).toString("base64url");

/** A small county for `npm run fake:wecom` and tests that need no particular directory. */
export const SAMPLE_DIRECTORY: FakeDirectory = {
  departments: [
    { id: 1, name: "示范县应急管理局", parentid: 0, order: 1 },
    { id: 2, name: "安全生产基础科", parentid: 1, order: 2 },
    { id: 3, name: "综合执法大队一中队", parentid: 1, order: 3 },
    { id: 4, name: "城关镇", parentid: 1, order: 4 },
    { id: 5, name: "东关村", parentid: 4, order: 5 },
  ],
  users: [
    { userid: "ZhangWei", name: "张伟", department: [1], main_department: 1, mobile: "13800010001", status: 1 },
    { userid: "LiNa", name: "李娜", department: [2], main_department: 2, mobile: "13800010002", status: 1 },
    { userid: "WangQiang", name: "王强", department: [3], main_department: 3, mobile: "13800010003", status: 1 },
    { userid: "LiuYang", name: "刘洋", department: [4, 5], main_department: 5, mobile: "13800010004", status: 1 },
  ],
};
