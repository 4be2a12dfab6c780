import { renderNudge } from "../../src/domain/hazards/nudges/messages";

const DAY = 86_400_000;
const now = new Date("2026-03-20T02:00:00Z");
const item = (i: number, level: "general" | "major" = "general") => ({
  hazardId: i,
  number: `YH-2026-${String(i).padStart(6, "0")}`,
  place: "青禾建工集团东岭安置房项目（二标段）施工现场东侧临时用电区域",
  category: "临时用电线路私拉乱接",
  level,
  deadline: new Date(now.getTime() - i * DAY),
});
const markdownOf = (m: ReturnType<typeof renderNudge>) => (m.kind === "markdown" ? m.markdown : "");

describe("nudge messages", () => {
  it("lists every item, worst first, with its lateness", () => {
    const text = markdownOf(renderNudge("order", [item(3), item(5, "major"), item(0)], now));
    expect(text.split("\n")).toEqual([
      "**督办单**",
      "以下 3 项隐患逾期未整改，现予督办：",
      "1. 【重大隐患】YH-2026-000005｜青禾建工集团东岭安置房项目（二标段）施工现场东…｜临时用电线路私拉乱接｜逾期 5 天",
      "2. YH-2026-000003｜青禾建工集团东岭安置房项目（二标段）施工现场东…｜临时用电线路私拉乱接｜逾期 3 天",
      "3. YH-2026-000000｜青禾建工集团东岭安置房项目（二标段）施工现场东…｜临时用电线路私拉乱接｜已到期（2026-03-20 10:00）",
      "请督促责任单位限期整改到位，并及时反馈整改情况。",
    ]);
  });

  it("keeps a large bundle within WeChat Work's 2048-byte markdown limit, counting the rest", () => {
    const text = markdownOf(renderNudge("notice", Array.from({ length: 60 }, (_, i) => item(i + 1)), now));
    expect(Buffer.byteLength(text, "utf8")).toBeLessThanOrEqual(2048);
    const listed = text.split("\n").filter((l) => /^\d+\. /.test(l)).length;
    expect(listed).toBeGreaterThan(5);
    expect(text).toContain(`……另有 ${60 - listed} 项`);
    expect(text).toContain("以下 60 项隐患已超过整改时限");
  });

  it("says when a reminder's item falls due", () => {
    const text = markdownOf(renderNudge("reminder", [{ ...item(1), deadline: new Date(now.getTime() + DAY) }], now));
    expect(text).toContain("｜2026-03-21 10:00 到期");
  });
});
