import { defineVocabulary } from "../../src/domain/kernel/vocabulary";
import { hazardStates } from "../../src/domain/hazards";
import { tipStates } from "../../src/domain/tips";
import { roles } from "../../src/domain/org/vocabulary";

describe("defineVocabulary", () => {
  const levels = defineVocabulary({ red: "红色", orange: "橙色", blue: "蓝色" });

  it("presents a value as {code, label}, the shape every API answer uses", () => {
    expect(levels.present("orange")).toEqual({ code: "orange", label: "橙色" });
    expect(levels.presentOrNull(null)).toBeNull();
    expect(levels.presentOrNull("red")).toEqual({ code: "red", label: "红色" });
    expect(JSON.parse(JSON.stringify({ level: levels.present("blue") }))).toEqual({ level: { code: "blue", label: "蓝色" } });
  });

  it("knows its codes and labels, and reads a code back from either", () => {
    expect(levels.codes).toEqual(["red", "orange", "blue"]);
    expect(levels.labelOf("red")).toBe("红色");
    expect(levels.isCode("blue")).toBe(true);
    expect(levels.isCode("purple")).toBe(false);
    expect(levels.isCode(3)).toBe(false);
    expect(levels.parse(" 橙色 ")).toBe("orange");
    expect(levels.parse("red")).toBe("red");
    expect(levels.parse("紫色")).toBeUndefined();
    expect(levels.choices()).toBe("红色、橙色、蓝色");
  });

  it("gives a zod enum that takes the codes and refuses anything else in Chinese", () => {
    expect(levels.schema().parse("red")).toBe("red");
    expect(levels.schema().safeParse("purple").error?.issues[0]?.message).toBe("应为 red（红色）、orange（橙色）、blue（蓝色） 之一");
    expect(levels.schema("请选择预警等级").safeParse("红色").error?.issues[0]?.message).toBe("请选择预警等级");
  });

  it("is what the domain's vocabularies are made of", () => {
    expect(hazardStates.present("submitted")).toEqual({ code: "submitted", label: "待复查" });
    expect(tipStates.present("verifying")).toEqual({ code: "verifying", label: "核查中" });
    expect(roles.parse("网格员")).toBe("grid_member");
    expect(roles.label("tip_officer")).toBe(roles.labelOf("tip_officer"));
  });
});
