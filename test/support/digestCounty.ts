import { ManualClock } from "../../src/clock";
import { Callout, CalloutRecipient, Enterprise, Hazard, Inspection, OrgUnit, Person, Tip } from "../../src/db/entities";
import type { Database } from "../../src/db/Database";
import { loadDemo } from "../../src/domain/demo/loadDemo";
import type { HazardLevel, HazardState } from "../../src/domain/hazards/vocabulary";
import type { InspectionKind } from "../../src/domain/inspections/vocabulary";

/**
 * The demo county 青禾县 (loaded on 2026-01-01, 08:00 Shanghai) with a known set of hazards,
 * check-ins, tips and one 叫应 around Monday 2026-03-02, for the digest, quota and report tests.
 */
export interface DigestCounty {
  clock: ManualClock;
  person(name: string): Promise<Person>;
  enterprise(name: string): Promise<Enterprise>;
  unit(code: string): Promise<OrgUnit>;
  hazard(fields: { enterprise?: string; unit?: string; level: HazardLevel; state: HazardState; reportedAt: string; deadline?: string; closedAt?: string; listed?: boolean }): Promise<Hazard>;
  inspection(inspector: string, enterprise: string, at: string, kind?: InspectionKind): Promise<Inspection>;
}

export async function openDigestCounty(db: Database): Promise<DigestCounty> {
  const clock = new ManualClock("2026-01-01T00:00:00Z");
  await loadDemo(db, clock);
  const m = db.manager;
  let seq = 0;
  const person = (name: string) => m.findOneByOrFail(Person, { name });
  const enterprise = (name: string) => m.findOneByOrFail(Enterprise, { name });
  const unit = (code: string) => m.findOneByOrFail(OrgUnit, { code });
  return {
    clock,
    person,
    enterprise,
    unit,
    async hazard(f) {
      seq += 1;
      const ent = f.enterprise ? await enterprise(f.enterprise) : null;
      const unitId = ent ? ent.supervisingUnitId : (await unit(f.unit as string)).id;
      const reporter = await person("唐亮");
      return m.save(
        m.create(Hazard, {
          number: `YH-2026-${String(seq).padStart(6, "0")}`,
          year: 2026,
          seq,
          source: "inspection",
          state: f.state,
          level: f.level,
          category: "消防通道堵塞",
          description: "测试隐患",
          enterpriseId: ent?.id ?? null,
          unitId,
          locationText: ent ? null : "测试地点",
          reporterId: reporter.id,
          ownerId: ent?.enterpriseOwnerId ?? null,
          supervisorId: ent?.supervisorOwnerId ?? null,
          measures: "清理通道",
          deadline: f.deadline ? new Date(f.deadline) : null,
          listedForSupervision: f.listed ?? f.level === "major",
          enforcementStage: "advice",
          reportedAt: new Date(f.reportedAt),
          closedAt: f.closedAt ? new Date(f.closedAt) : null,
          updatedAt: new Date(f.reportedAt),
        }),
      );
    },
    async inspection(inspector, enterpriseName, at, kind = "enforcement") {
      const p = await person(inspector);
      const e = await enterprise(enterpriseName);
      return m.save(
        m.create(Inspection, { inspectorId: p.id, unitId: p.unitId, enterpriseId: e.id, kind, result: "no_problem", note: null, latitude: null, longitude: null, distanceMetres: null, farFromSite: false, hazardId: null, checkedInAt: new Date(at) }),
      );
    },
  };
}

/**
 * The prepared county of the digest test: Tuesday 2026-03-03's digest describes Monday 03-02.
 * See test/integration/digest.int.test.ts for the numbers each piece adds up to.
 */
export async function prepareCounty(db: Database): Promise<DigestCounty> {
  const c = await openDigestCounty(db);
  const m = db.manager;
  // Red: a major hazard under the hazchem office, 11 days overdue on 03-03 08:00.
  await c.hazard({ enterprise: "东岭化工有限责任公司", level: "major", state: "rectifying", reportedAt: "2026-02-10T02:00:00Z", deadline: "2026-02-20T00:00:00Z" });
  // Overdue general hazards in 东岭镇 (4 days) and 南川镇 (2 days, reported yesterday).
  await c.hazard({ enterprise: "石桥加油站", level: "general", state: "rectifying", reportedAt: "2026-02-20T02:00:00Z", deadline: "2026-02-27T00:00:00Z" });
  await c.hazard({ enterprise: "南川商贸城", level: "general", state: "assigned", reportedAt: "2026-03-02T02:00:00Z", deadline: "2026-03-01T00:00:00Z" });
  // A major hazard reported yesterday in 西河街道, not yet due.
  await c.hazard({ enterprise: "滨江欢唱KTV", level: "major", state: "rectifying", reportedAt: "2026-03-02T03:00:00Z", deadline: "2026-03-10T00:00:00Z" });
  // Closed yesterday.
  await c.hazard({ enterprise: "东岭农贸市场", level: "general", state: "closed", reportedAt: "2026-02-25T02:00:00Z", deadline: "2026-03-05T00:00:00Z", closedAt: "2026-03-02T05:00:00Z" });

  await c.inspection("唐亮", "石桥加油站", "2026-02-27T01:00:00Z");
  await c.inspection("唐亮", "石桥加油站", "2026-03-02T01:00:00Z");
  await c.inspection("彭飞", "南川商贸城", "2026-03-02T02:00:00Z", "routine");

  const tip = (n: number, fields: Partial<Tip>) =>
    m.save(m.create(Tip, { number: `JB2026-${String(n).padStart(6, "0")}`, year: 2026, seq: n, source: "public", channel: "hotline", content: "举报内容", pseudonym: `举报人-${n}`, updatedAt: new Date("2026-03-02T00:00:00Z"), ...fields }));
  const mall = await c.enterprise("南川商贸城");
  await tip(1, { state: "received", enterpriseId: mall.id, reportedAt: new Date("2026-03-02T06:00:00Z") });
  await tip(2, { state: "verifying", enterpriseId: mall.id, reportedAt: new Date("2026-02-20T06:00:00Z"), dueAt: new Date("2026-03-01T00:00:00Z") });

  const chief = await c.person("周建国");
  const callout = await m.save(
    m.create(Callout, {
      title: "暴雨红色预警叫应",
      text: "请立即落实防御措施",
      warningType: "rainstorm",
      level: "red",
      initiatorId: chief.id,
      state: "closed",
      requiresReport: false,
      answerMinutes: 15,
      remindEveryMinutes: 5,
      maxReminders: 2,
      createdAt: new Date("2026-03-02T01:00:00Z"),
      sentAt: new Date("2026-03-02T01:00:00Z"),
      deadlineAt: new Date("2026-03-02T01:15:00Z"),
      closedAt: new Date("2026-03-02T03:00:00Z"),
    }),
  );
  for (const [name, answered] of [["宋志刚", true], ["曹建华", true], ["邓文", false]] as const) {
    const p = await c.person(name);
    await m.save(
      m.create(CalloutRecipient, {
        calloutId: callout.id,
        personId: p.id,
        state: answered ? "acknowledged" : "sent",
        escalatedFrom: null,
        sentAt: new Date("2026-03-02T01:00:00Z"),
        acknowledgedAt: answered ? new Date("2026-03-02T01:05:00Z") : null,
        ackChannel: answered ? "wecom:card" : null,
        ackContent: answered ? "ack" : null,
        reportedAt: null,
        reportText: null,
        awaitingReport: false,
        remindersSent: 0,
        nextActionAt: null,
        late: false,
      }),
    );
  }
  return c;
}
