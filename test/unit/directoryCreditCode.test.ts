import { creditCodeProblem, makeCreditCode } from "../../src/domain/directory";

describe("统一社会信用代码", () => {
  it.each(["914403001922038216", "91330100716105852F", "91110000802100433B", "91350100M000100Y43"])("accepts the published code %s", (code) => {
    expect(creditCodeProblem(code)).toBeUndefined();
  });

  it("catches a single mistyped character through the check character", () => {
    expect(creditCodeProblem("914403001922038226")).toBe("校验位不正确，请核对是否抄错");
    expect(creditCodeProblem("914403001922083216")).toBe("校验位不正确，请核对是否抄错");
  });

  it("names the wrong length and the letters the standard leaves out", () => {
    expect(creditCodeProblem("9144030019220382")).toBe("应为 18 位，实际为 16 位");
    expect(creditCodeProblem("91440300192203821I")).toBe("含有不允许的字符“I”（不使用 I、O、S、V、Z）");
  });

  it("makes valid codes for demo data, and refuses parts it cannot encode", () => {
    expect(creditCodeProblem(makeCreditCode("91", "519901", "MA6QH001"))).toBeUndefined();
    expect(() => makeCreditCode("91", "519901", "MA6SL001")).toThrow();
  });
});
