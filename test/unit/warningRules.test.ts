import { DEFAULT_WARNING_RULES, levelFromText, selectRules, splitAreas, typeFromText } from "../../src/domain/warnings";

describe("warning words", () => {
  it("reads type and colour from Chinese signal names", () => {
    expect(typeFromText(["暴雨红色预警信号"])).toBe("rainstorm");
    expect(typeFromText(["雷雨大风黄色预警信号"])).toBe("thunder");
    expect(typeFromText(["道路结冰橙色预警"])).toBe("snow_ice");
    expect(typeFromText(["森林火险"])).toBe("other");
    expect(levelFromText(["青禾县气象台发布暴雨红色预警信号"])).toBe("red");
    expect(levelFromText([undefined, "大雾"], "Minor")).toBe("blue");
    expect(levelFromText(["大雾"])).toBeUndefined();
  });

  it("splits area descriptions", () => {
    expect(splitAreas("东岭镇、南川镇，西河街道 QH-DL-01")).toEqual(["东岭镇", "南川镇", "西河街道", "QH-DL-01"]);
  });
});

describe("the default rule table", () => {
  it("calls everyone answerable for red and orange", () => {
    expect(selectRules(DEFAULT_WARNING_RULES, "rainstorm", "red")).toEqual({ roles: ["village_cadre", "duty_leader", "admin_owner"], enterpriseOwners: "all" });
  });

  it("calls cadres and duty leaders for blue, plus construction and tourism owners for a yellow rainstorm", () => {
    expect(selectRules(DEFAULT_WARNING_RULES, "fog", "blue")).toEqual({ roles: ["village_cadre", "duty_leader"], enterpriseOwners: null });
    expect(selectRules(DEFAULT_WARNING_RULES, "rainstorm", "yellow")).toEqual({ roles: ["village_cadre", "duty_leader"], enterpriseOwners: ["construction", "tourism"] });
  });

  it("adds construction and industry-trade owners for heat at any level", () => {
    expect(selectRules(DEFAULT_WARNING_RULES, "heat", "blue").enterpriseOwners).toEqual(["construction", "industry_trade"]);
    expect(selectRules(DEFAULT_WARNING_RULES, "heat", "orange").enterpriseOwners).toBe("all");
  });
});
