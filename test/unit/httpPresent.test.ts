import type { Person } from "../../src/db/entities";
import { actor } from "../../src/http/actor";
import { iso, one, page, ref } from "../../src/http/presenters/present";
import { calloutStates, presentBoard } from "../../src/http/presenters/presentCallout";
import type { Board } from "../../src/domain/callouts";

describe("reading the acting person", () => {
  it("is the person authenticate set, or a 401 when nobody signed in", () => {
    const person = { id: 7, name: "刘洋" } as Person;
    expect(actor({ state: { person } })).toBe(person);
    expect(() => actor({ state: {} })).toThrow(expect.objectContaining({ status: 401 }));
  });
});

describe("presenting a resource", () => {
  it("wraps one resource as {data} and a list as {data, paging}", () => {
    expect(one({ id: 1 })).toEqual({ data: { id: 1 } });
    expect(page({ items: [1, 2], page: 2, pageSize: 2, total: 5 }, (n) => ({ n }))).toEqual({ data: [{ n: 1 }, { n: 2 }], paging: { page: 2, pageSize: 2, total: 5 } });
  });

  it("names a referenced row and writes times in UTC", () => {
    const names = new Map([[3, "青禾燃气有限公司"]]);
    expect(ref(3, names)).toEqual({ id: 3, name: "青禾燃气有限公司" });
    expect(ref(4, names)).toEqual({ id: 4, name: null });
    expect(ref(null, names)).toBeNull();
    expect(iso(new Date("2026-11-26T02:00:00Z"))).toBe("2026-11-26T02:00:00.000Z");
    expect(iso(null)).toBeNull();
  });

  it("shows a 叫应 board's type, level and states as {code, label}", () => {
    const board = {
      callout: { id: 9, title: "暴雨红色预警", warningType: "rainstorm", level: "red", state: "sent", requiresReport: false, sentAt: null, deadlineAt: null, closedAt: null },
      counts: { total: 1 },
      people: [{ recipientId: 1, personId: 2, name: "魏芳", state: "escalated" }],
    } as unknown as Board;
    expect(presentBoard(board)).toMatchObject({
      id: 9,
      warningType: { code: "rainstorm", label: "暴雨" },
      level: { code: "red", label: "红色" },
      state: { code: "sent", label: "进行中" },
      people: [{ name: "魏芳", state: { code: "escalated", label: "已升级" } }],
    });
    expect(calloutStates.codes).toEqual(["draft", "sent", "closed", "cancelled"]);
  });
});
