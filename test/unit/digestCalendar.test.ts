import { fit } from "../../src/domain/digest";
import { calendar, monthWindow, parsePeriod } from "../../src/domain/quotas";

describe("the county's calendar for quotas and digests", () => {
  it("starts Shanghai days at 16:00 UTC the day before", () => {
    expect(calendar.localDay(new Date("2026-02-28T15:59:59Z"))).toBe("2026-02-28");
    expect(calendar.localDay(new Date("2026-02-28T16:00:00Z"))).toBe("2026-03-01");
    expect(calendar.dayStart("2026-03-01").toISOString()).toBe("2026-02-28T16:00:00.000Z");
    expect(calendar.localHour(new Date("2026-03-03T00:00:00Z"))).toBe(8);
  });

  it("gives a month the weeks whose Monday falls in it, so months add up to the year's weeks", () => {
    expect(monthWindow("2026-03").mondays).toEqual(["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"]);
    expect(monthWindow("2026-06").mondays).toEqual(["2026-06-01", "2026-06-08", "2026-06-15", "2026-06-22", "2026-06-29"]);
    const months = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}`);
    expect(months.reduce((n, m) => n + monthWindow(m).mondays.length, 0)).toBe(52);
  });

  it("reads ISO weeks, across the new year, and refuses what is not a week or a month", () => {
    expect(parsePeriod("2026-W01").mondays).toEqual(["2025-12-29"]);
    expect(parsePeriod("2026-W53").label).toBe("2026-W53");
    expect(parsePeriod("2026-W10")).toMatchObject({ kind: "week", months: ["2026-03"], mondays: ["2026-03-02"], half: null });
    expect(() => parsePeriod("2025-W53")).toThrow("周期应为");
    expect(() => parsePeriod("2026-13")).toThrow("周期应为");
    expect(() => parsePeriod("2026-H3")).toThrow("周期应为");
  });

  it("reads half-years: January–June and July–December in Shanghai time, judged in the month that ends them", () => {
    const h1 = parsePeriod("2026-H1");
    expect(h1).toMatchObject({ kind: "half_year", label: "2026-H1", months: ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"] });
    expect(h1.span.from.toISOString()).toBe("2025-12-31T16:00:00.000Z");
    expect(h1.span.to.toISOString()).toBe("2026-06-30T16:00:00.000Z");
    // 2026-01-05 is the first Monday in January; the week of 2026-06-29 belongs to June.
    expect([h1.mondays[0], h1.mondays[h1.mondays.length - 1]]).toEqual(["2026-01-05", "2026-06-29"]);
    const h2 = parsePeriod("2026-H2");
    expect(h2.span.from.toISOString()).toBe("2026-06-30T16:00:00.000Z");
    expect(h2.span.to.toISOString()).toBe("2026-12-31T16:00:00.000Z");
    expect(h1.mondays.length + h2.mondays.length).toBe(52);
    expect(monthWindow("2026-05").half).toBeNull();
    expect(monthWindow("2026-06").half?.label).toBe("2026-H1");
    expect(monthWindow("2026-12").half?.label).toBe("2026-H2");
  });

  it("adds calendar months as people count them, clamping to the month's end", () => {
    expect(calendar.addMonths(new Date("2026-01-30T16:00:00Z"), 1).toISOString()).toBe("2026-02-27T16:00:00.000Z"); // 01-31 + 1 month = 02-28
    expect(calendar.addMonths(new Date("2026-01-01T00:00:00Z"), 6).toISOString()).toBe("2026-07-01T00:00:00.000Z");
  });
});

describe("fitting a digest into a byte limit", () => {
  const lines = [
    { text: "标题", drop: 0 },
    ...Array.from({ length: 40 }, (_, i) => ({ text: `- 第 ${i + 1} 项明细`, drop: 2 })),
    { text: "排名", drop: 0 },
    ...Array.from({ length: 10 }, (_, i) => ({ text: `${i + 1}. 单位`, drop: 5 })),
  ];

  it("drops the most droppable lines first, later before earlier, whole, and counts them", () => {
    const text = fit(lines, 300);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(300);
    const kept = text.split("\n");
    const footer = kept.pop() as string;
    const left = Number(/^另有 (\d+) 项未列出/.exec(footer)?.[1]);
    expect(kept.length + left).toBe(lines.length);
    expect(kept.every((l) => lines.some((x) => x.text === l))).toBe(true);
    // The ranking lines (drop 5) went before any detail line (drop 2), and the first details stayed.
    expect(kept.some((l) => /^\d+\. 单位$/.test(l))).toBe(false);
    expect(kept.slice(0, 3)).toEqual(["标题", "- 第 1 项明细", "- 第 2 项明细"]);
    expect(kept).toContain("排名");
  });

  it("leaves a text that fits untouched", () => {
    expect(fit(lines.slice(0, 3), 2048)).toBe("标题\n- 第 1 项明细\n- 第 2 项明细");
  });
});
