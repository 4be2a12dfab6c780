import { type FakeHandler, fail, ok } from "./protocol";
import type { FakeUser } from "./state";

/** department/*, user/* and agent/get over the seeded directory (the app sees all of it). */

export const departmentSimplelist: FakeHandler = (req, state) => {
  const id = req.query.id ? Number(req.query.id) : undefined;
  if (id !== undefined && !state.departments.has(id)) return fail(60123, "invalid party id");
  const list = id === undefined ? [...state.departments.values()] : state.subtree(id);
  return ok({ department_id: list.map((d) => ({ id: d.id, parentid: d.parentid, order: d.order ?? 0 })) });
};

export const departmentGet: FakeHandler = (req, state) => {
  const d = state.departments.get(Number(req.query.id));
  if (!d) return fail(60123, "invalid party id");
  return ok({ department: { id: d.id, name: d.name, name_en: "", department_leader: [], parentid: d.parentid, order: d.order ?? 0 } });
};

export const userSimplelist: FakeHandler = (req, state) => {
  const id = Number(req.query.department_id);
  if (!state.departments.has(id)) return fail(60123, "invalid party id");
  const ids = new Set(req.query.fetch_child === "1" ? state.subtree(id).map((d) => d.id) : [id]);
  const users = [...state.users.values()].filter((u) => u.department.some((d) => ids.has(d)));
  return ok({ userlist: users.map((u) => ({ userid: u.userid, name: u.name, department: u.department, open_userid: `wo${u.userid}` })) });
};

export const userGet: FakeHandler = (req, state, config) => {
  const u = state.user(req.query.userid ?? "");
  if (!u) return fail(60111, "userid not found");
  return ok(detail(u, config.revealMobile));
};

/** POST user/list_id: every (member, department) pair, paged by an opaque cursor. */
export const userListId: FakeHandler = (req, state) => {
  const limit = Math.min(Math.max(Number(req.json?.limit) || 1000, 1), 10000);
  const start = req.json?.cursor ? Number(Buffer.from(String(req.json.cursor), "base64url").toString()) || 0 : 0;
  const pairs = [...state.users.values()].flatMap((u) => u.department.map((department) => ({ userid: u.userid, department })));
  const page = pairs.slice(start, start + limit);
  const next = start + limit < pairs.length ? Buffer.from(String(start + limit)).toString("base64url") : "";
  return ok({ next_cursor: next, dept_user: page });
};

export const agentGet: FakeHandler = (req, state, config) => {
  if (Number(req.query.agentid) !== config.agentId) return fail(40056, "invalid agentid");
  const roots = [...state.departments.values()].filter((d) => d.parentid === 0).map((d) => d.id);
  return ok({
    agentid: config.agentId,
    name: "安哨（模拟）",
    square_logo_url: "",
    description: "本地模拟的企业微信自建应用",
    allow_userinfos: { user: [] },
    allow_partys: { partyid: roots },
    allow_tags: { tagid: [] },
    close: 0,
    redirect_domain: "",
    report_location_flag: 0,
    isreportenter: 0,
    home_url: "",
  });
};

function detail(u: FakeUser, revealMobile: boolean): Record<string, unknown> {
  return {
    userid: u.userid,
    name: u.name,
    department: u.department,
    order: u.department.map(() => 0),
    position: "",
    ...(revealMobile && u.mobile ? { mobile: u.mobile } : {}),
    gender: "0",
    email: "",
    is_leader_in_dept: u.department.map(() => 0),
    direct_leader: [],
    avatar: "",
    thumb_avatar: "",
    telephone: "",
    alias: "",
    status: u.status ?? 1,
    main_department: u.main_department ?? u.department[0],
    qr_code: "",
    open_userid: `wo${u.userid}`,
  };
}

