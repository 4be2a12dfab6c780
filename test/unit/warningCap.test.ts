import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../src/errors";
import { parseCap } from "../../src/http/routes/warnings.cap";

const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/cap", name), "utf8");
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as AppError).code;
  }
  return "none";
};

describe("CAP 1.2 parsing", () => {
  it("reads type, colour, areas, validity and text from the Chinese info block", () => {
    const w = parseCap(fixture("qinghe-rainstorm-red.xml"));
    expect(w).toMatchObject({ type: "rainstorm", level: "red", areas: ["东岭镇", "南川镇"], headline: "青禾县气象台发布暴雨红色预警信号" });
    expect(w.validFrom?.toISOString()).toBe("2026-07-12T00:00:00.000Z");
    expect(w.validTo?.toISOString()).toBe("2026-07-12T12:00:00.000Z");
    expect(w.text).toContain("防御指南：1. 政府及相关部门");
    expect(w.text).toContain("立即转移&撤离"); // the predefined entity is decoded
  });

  it("handles prefixed namespaces and falls back to effective", () => {
    const w = parseCap(fixture("qinghe-gale-unknown-areas.xml"));
    expect(w).toMatchObject({ type: "gale", level: "yellow", areas: ["西河街道", "东岭镇", "云峰乡", "青龙镇"] });
    expect(w.validFrom?.toISOString()).toBe("2026-03-03T06:10:00.000Z");
  });

  it("uses severity when no colour is named, and geocodes for an area without areaDesc", () => {
    const xml = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><msgType>Alert</msgType><info><event>High Temperature</event><severity>Severe</severity>
      <description>高温</description><area><geocode><valueName>unit</valueName><value>QH-NC</value></geocode></area></info></alert>`;
    expect(parseCap(xml)).toMatchObject({ type: "heat", level: "orange", areas: ["QH-NC"] });
  });

  it("refuses DTDs: XXE and billion laughs", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><info><headline>&x;</headline></info></alert>`;
    const lol = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&lol2;</alert>`;
    expect(codeOf(() => parseCap(xxe))).toBe("cap_dtd_refused");
    expect(codeOf(() => parseCap(lol))).toBe("cap_dtd_refused");
  });

  it("refuses malformed XML, non-CAP documents, cancellations and warnings without a colour", () => {
    expect(codeOf(() => parseCap("<alert><info>"))).toBe("cap_invalid_xml");
    expect(codeOf(() => parseCap("<feed><entry/></feed>"))).toBe("cap_not_alert");
    expect(codeOf(() => parseCap(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><msgType>Cancel</msgType></alert>`))).toBe("warning_not_alert");
    expect(codeOf(() => parseCap(`<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><info><event>暴雨</event></info></alert>`))).toBe("cap_no_level");
  });
});
