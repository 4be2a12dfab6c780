import { Writable } from "node:stream";
import pino from "pino";
import { QueryFailedError } from "typeorm";
import { safeErr } from "../../src/log";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { log: pino({ serializers: { err: safeErr }, redact: { paths: ["*.token"], censor: "***" } }, stream), lines };
}

describe("error logging", () => {
  it("keeps a database error's codes but none of the values it quotes", () => {
    const driver = Object.assign(new Error("Duplicate entry '13900000004' for key 'uq_people_mobile'"), { code: "ER_DUP_ENTRY", errno: 1062, sqlState: "23000", sql: "INSERT INTO people VALUES ('陈静','13900000004')" });
    const err = new QueryFailedError("INSERT INTO people (name, mobile) VALUES (?, ?)", ["陈静", "13900000004"], driver);
    const { log, lines } = capture();
    log.error({ err }, "request failed");
    const line = lines.join("");
    expect(line).toContain('"code":"ER_DUP_ENTRY"');
    expect(line).toContain('"errno":1062');
    expect(line).not.toContain("13900000004");
    expect(line).not.toContain("陈静");
  });

  it("keeps an ordinary error's message and where it happened", () => {
    const { log, lines } = capture();
    log.error({ err: new Error("job boom") }, "job run failed");
    const entry = JSON.parse(lines[0] as string);
    expect(entry.err).toMatchObject({ type: "Error", message: "job boom" });
    expect(entry.err.stack).toContain("log.test.ts");
  });
});
