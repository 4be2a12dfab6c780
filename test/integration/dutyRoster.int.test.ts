import ExcelJS from "exceljs";
import { DutyShift } from "../../src/db/entities/DutyShift";
import { rosterTemplate } from "../../src/domain/duty";
import type { AppError } from "../../src/errors";
import { backend } from "../support/backend";
import { type DutyHarness, local, openDutyHarness } from "../support/dutyHarness";

// The roster workbook: every problem by sheet, line and column with nothing written; a changed
// roster re-imported tells only the people whose shifts changed, once.
jest.setTimeout(120_000);

const HEAD = ["单位编码", "姓名", "手机号", "角色", "开始时间", "结束时间"];
const monthOfNights = (): string[][] => {
  const rows: string[][] = [];
  for (let d = 1; d <= 30; d++) {
    const day = `2026-04-${String(d).padStart(2, "0")}`;
    const next = d === 30 ? "2026-05-01" : `2026-04-${String(d + 1).padStart(2, "0")}`;
    rows.push(["QH-BGS", d % 2 ? "赵磊" : "孙丽", d % 2 ? "13900000006" : "13900000007", "值班员", `${day} 08:00`, `${next} 08:00`]);
    rows.push(["QH", "王芳", "13900000003", "带班领导", `${day} 08:00`, `${next} 08:00`]);
  }
  return rows;
};

describe(`duty roster import (${backend()})`, () => {
  let h: DutyHarness;
  beforeEach(async () => {
    h = await openDutyHarness("2026-03-25 10:00");
  });
  afterEach(() => h.close());

  it("reports every problem as 排班!第N行:列 and writes nothing", async () => {
    const rows = monthOfNights();
    rows[5] = ["QH-BGS", "孙丽", "13900000007", "值班员", "2026-04-31 08:00", "2026-04-04 08:00"];
    rows[6] = ["QH-XX", "王芳", "13900000003", "班长", "2026-04-04 08:00", "2026-04-03 08:00"];
    rows[7] = ["QH", "王芳芳", "13900000003", "带班领导", "2026-04-04 08:00", "2026-04-05 08:00"];
    const admin = await h.person("陈静");
    const err = (await h.duty.importRoster(admin, await rosterTemplate(rows)).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe("duty_roster_invalid");
    const problems = (err.details as { problems: { where: string; message: string }[] }).problems;
    expect(problems.map((p) => p.where)).toEqual(["排班!第7行:开始时间", "排班!第8行:单位编码", "排班!第8行:角色", "排班!第8行:结束时间", "排班!第9行:姓名"]);
    expect(err.message).toContain("排班!第7行:开始时间");
    expect(await h.db.manager.count(DutyShift)).toBe(0);
    expect(await h.messages()).toEqual([]);
  });

  it("refuses a workbook without the template's headers, and someone who may not write the unit's roster", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("排班").addRow(["单位", "人"]);
    const admin = await h.person("陈静");
    const bad = (await h.duty.importRoster(admin, Buffer.from(await wb.xlsx.writeBuffer())).catch((e: unknown) => e)) as AppError;
    expect((bad.details as { problems: { where: string }[] }).problems[0]?.where).toBe("排班!第1行");
    const grid = await h.person("韩雪");
    const denied = (await h.duty.importRoster(grid, await rosterTemplate(monthOfNights().slice(0, 1))).catch((e: unknown) => e)) as AppError;
    expect((denied.details as { problems: { where: string; message: string }[] }).problems[0]).toEqual({ where: "排班!第2行:单位编码", message: "您无权编排该单位的值班" });
  });

  it("a month of 24-hour shifts, then the same roster with one night swapped: only the two people concerned are told, once", async () => {
    const admin = await h.person("陈静");
    const first = await h.duty.importRoster(admin, await rosterTemplate(monthOfNights()));
    expect(first).toEqual({ added: 60, removed: 0, unchanged: 0, told: 3 });
    const told = (await h.messages()).length;
    const changed = monthOfNights();
    changed[20] = ["QH-BGS", "赵磊", "13900000006", "值班员", "2026-04-11 08:00", "2026-04-12 08:00"];
    // The 11th was 赵磊's already (odd day): make it 孙丽's instead.
    changed[20] = ["QH-BGS", "孙丽", "13900000007", "值班员", "2026-04-11 08:00", "2026-04-12 08:00"];
    const second = await h.duty.importRoster(admin, await rosterTemplate(changed));
    expect(second).toEqual({ added: 1, removed: 1, unchanged: 59, told: 2 });
    const news = (await h.messages()).slice(told);
    const zhao = await h.person("赵磊");
    const sun = await h.person("孙丽");
    expect(news.map((m) => m.personId).sort()).toEqual([zhao.id, sun.id].sort());
    expect(news.find((m) => m.personId === zhao.id)?.text).toContain("取消：\n办公室｜值班员｜2026-04-11 08:00 至 2026-04-12 08:00");
    expect(news.find((m) => m.personId === sun.id)?.text).toContain("新增：\n办公室｜值班员｜2026-04-11 08:00 至 2026-04-12 08:00");
    // The same file again changes nothing and tells nobody.
    expect(await h.duty.importRoster(admin, await rosterTemplate(changed))).toEqual({ added: 0, removed: 0, unchanged: 60, told: 0 });
    expect((await h.messages()).length).toBe(told + 2);
    // Who is on duty on the 11th at noon: 孙丽, and with the leaders above, 王芳.
    const bgs = await h.unit("QH-BGS");
    const on = await h.duty.onDuty(bgs.id, true, local("2026-04-11 12:00"));
    expect(on.map((s) => [s.personId, s.role])).toEqual([[sun.id, "officer"], [(await h.person("王芳")).id, "leader"]]);
  });
});
