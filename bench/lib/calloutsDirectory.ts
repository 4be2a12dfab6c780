import type { Connection } from "mysql2/promise";
import type { FakeDirectory } from "../../src/dev/fakeWecom";

/**
 * A made-up county for the 叫应 benchmark: a bureau, `towns` towns of `villagesPerTown` villages,
 * and `cadres` village cadres spread over the villages, each with a WeChat Work account and their
 * town head as superior. Written straight into the bench database (multi-row INSERTs: 10,000
 * people in well under a second) and mirrored as the fake WeChat Work's address book.
 */
export interface BenchCounty {
  rootCode: string;
  officerMobile: string;
  cadres: string[];
  /** Every account the fake must know: cadres, town heads, the chief, the duty officer. */
  directory: FakeDirectory;
  units: number;
  people: number;
}

export async function createCounty(db: Connection, o: { cadres: number; towns: number; villagesPerTown: number }): Promise<BenchCounty> {
  const now = new Date();
  const unit = async (code: string, name: string, kind: string, parentId: number | null, parentPath: string): Promise<{ id: number; path: string }> => {
    const [res] = await db.query("INSERT INTO org_units (code, name, kind, parent_id, path, wecom_dept_id, created_at, updated_at) VALUES (?, ?, ?, ?, '/', NULL, ?, ?)", [code, name, kind, parentId, now, now]);
    const id = (res as { insertId: number }).insertId;
    const path = `${parentPath}${id}/`;
    await db.query("UPDATE org_units SET path = ? WHERE id = ?", [path, id]);
    return { id, path };
  };
  const root = await unit("YL", "演练县应急管理局", "bureau", null, "/");
  const towns: { id: number; path: string }[] = [];
  const villages: number[] = [];
  for (let t = 1; t <= o.towns; t++) {
    const code = `YL-T${String(t).padStart(2, "0")}`;
    const town = await unit(code, `演练第${t}镇`, "town", root.id, root.path);
    towns.push(town);
    for (let v = 1; v <= o.villagesPerTown; v++) villages.push((await unit(`${code}-V${String(v).padStart(2, "0")}`, `演练第${t}镇第${v}村`, "village", town.id, town.path)).id);
  }

  // The WeChat Work account rides along as the row's last field and goes into person_accounts.
  const person = (name: string, mobile: string, unitId: number, roles: string, superiorId: number | null, account: string) => [name, mobile, unitId, roles, superiorId, 1, now, now, account];
  const insert = async (rows: unknown[][]): Promise<number> => {
    const [res] = await db.query("INSERT INTO people (name, mobile, unit_id, roles, superior_id, active, created_at, updated_at) VALUES ?", [rows.map((r) => r.slice(0, -1))]);
    // One multi-row INSERT takes consecutive ids on InnoDB: the first is insertId.
    const first = (res as { insertId: number }).insertId;
    await db.query("INSERT INTO person_accounts (person_id, channel, account_id, created_at, updated_at) VALUES ?", [rows.map((r, k) => [first + k, "wecom", r.at(-1), now, now])]);
    return first;
  };
  const chief = await insert([person("演练县长", "13900009000", root.id, "chief,duty_leader", null, "ylchief")]);
  const officerMobile = "13900009001";
  await insert([person("演练值班员", officerMobile, root.id, "duty_officer", chief, "ylofficer")]);
  const heads: number[] = [];
  for (let t = 0; t < towns.length; t++) {
    heads.push(await insert([person(`镇长${t + 1}`, `1390001${String(t).padStart(4, "0")}`, (towns[t] as { id: number }).id, "admin_owner,duty_leader", chief, `ylhead${String(t + 1).padStart(2, "0")}`)]));
  }
  const cadres: string[] = [];
  for (let i = 0; i < o.cadres; i += 1000) {
    const rows: unknown[][] = [];
    for (let n = i; n < Math.min(i + 1000, o.cadres); n++) {
      const village = n % villages.length;
      const account = `cadre${String(n + 1).padStart(5, "0")}`;
      cadres.push(account);
      rows.push(person(`村干部${n + 1}`, `138${String(n).padStart(8, "0")}`, villages[village] as number, "village_cadre", heads[Math.floor(village / o.villagesPerTown)] as number, account));
    }
    await insert(rows);
  }
  const accounts = ["ylchief", "ylofficer", ...heads.map((_, t) => `ylhead${String(t + 1).padStart(2, "0")}`), ...cadres];
  return {
    rootCode: "YL",
    officerMobile,
    cadres,
    directory: { departments: [{ id: 1, name: "演练县", parentid: 0 }], users: accounts.map((userid) => ({ userid, name: userid, department: [1], status: 1 })) },
    units: 1 + towns.length + villages.length,
    people: accounts.length,
  };
}
