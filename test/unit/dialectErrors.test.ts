import { failureCode, isLockConflict, isLostRace } from "../../src/db/dialect";

const driver = (code: string, errno?: number) => ({ message: "x", driverError: { code, errno } });

describe("lost races and failure codes", () => {
  it("counts duplicate keys, lock conflicts and a busy SQLite as lost races", () => {
    for (const err of [driver("ER_DUP_ENTRY", 1062), driver("ER_LOCK_DEADLOCK"), driver("", 1213), driver("ER_LOCK_WAIT_TIMEOUT"), driver("", 1205), driver("SQLITE_CONSTRAINT_UNIQUE"), driver("SQLITE_BUSY"), { code: "SQLITE_BUSY_SNAPSHOT" }]) {
      expect(isLostRace(err)).toBe(true);
    }
    for (const err of [new TypeError("x"), driver("ER_NO_SUCH_TABLE", 1146), driver("SQLITE_CONSTRAINT_FOREIGNKEY"), null, undefined]) {
      expect(isLostRace(err)).toBe(false);
    }
  });

  it("tells lock conflicts apart from duplicate keys", () => {
    expect(isLockConflict(driver("ER_LOCK_WAIT_TIMEOUT"))).toBe(true);
    expect(isLockConflict(driver("ER_DUP_ENTRY", 1062))).toBe(false);
  });

  it("gives a short code and never the message", () => {
    expect(failureCode(driver("ER_NO_SUCH_TABLE"))).toBe("ER_NO_SUCH_TABLE");
    expect(failureCode(Object.assign(new Error("张三 13800000000"), { code: "callout_not_found" }))).toBe("callout_not_found");
    expect(failureCode(new TypeError("secret"))).toBe("TypeError");
    expect(failureCode("oops")).toBe("error");
  });
});
