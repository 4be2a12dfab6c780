import type { ChannelId } from "../../channels/channel";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { OrgUnit, Person } from "../../db/entities";
import { type OutboxService, resolveRecipients } from "../outbox";
import { addDays, localDay, localHour, monthDays, mondayOf } from "./calendar";
import { halfOf, halfWindow, monthWindow, weekWindow } from "./period";
import { quotaProgress, type PersonQuota } from "./progress";
import { loadRules } from "./rules";

export interface QuotaNudgeDeps {
  db: Database;
  clock: Clock;
  outbox: Pick<OutboxService, "enqueue">;
  channels: readonly ChannelId[];
}

/** From this Shanghai hour on the period's late day, people behind get their reminder. */
const LATE_HOUR = 16;

/**
 * 日周月 reminders: late in the week (Friday from 16:00), late in the month (from the 25th, 16:00)
 * and late in the half-year (from 15 June or 15 December, 16:00), each person still behind on that
 * period's rules gets one reminder. The outbox's
 * idempotency key (person and period) makes it one, whichever instance or tick gets there.
 */
export class QuotaNudges {
  constructor(private readonly deps: QuotaNudgeDeps) {}

  async runDue(now: Date = this.deps.clock.now()): Promise<number> {
    const day = localDay(now);
    const late = (d: string) => day > d || (day === d && localHour(now) >= LATE_HOUR);
    const monday = mondayOf(day);
    const month = day.slice(0, 7);
    const weekDue = late(addDays(monday, 4)) && day < addDays(monday, 7);
    const monthDue = late(`${month}-25`) && day < monthDays(month).next;
    // The half-year's rules (each of one's own enterprises) from the 15th of June or December.
    const half = halfOf(month);
    const halfDue = (month.endsWith("-06") || month.endsWith("-12")) && late(`${month}-15`);
    if (!weekDue && !monthDue && !halfDue) return 0;
    const manager = this.deps.db.manager;
    const rules = await loadRules(manager);
    const roots = await manager.find(OrgUnit);
    let sent = 0;
    for (const root of roots.filter((u) => u.parentId === null)) {
      if (weekDue) {
        const report = await quotaProgress(manager, root, weekWindow(monday), rules.filter((r) => r.period === "week"));
        sent += await this.remind(report.people, `quota:week:${monday}`, `本周（${monday.slice(5)} 起）`, "请在本周日前完成巡查打卡。");
      }
      if (monthDue) {
        const report = await quotaProgress(manager, root, monthWindow(month), rules.filter((r) => r.period === "month"));
        sent += await this.remind(report.people, `quota:month:${month}`, `本月（${month}）`, "请在月底前完成巡查打卡。");
      }
      if (halfDue) {
        const report = await quotaProgress(manager, root, halfWindow(half), rules.filter((r) => r.period === "half_year"));
        sent += await this.remind(report.people, `quota:half:${half}`, `本半年（${half.endsWith("H1") ? "1–6 月" : "7–12 月"}）`, "请在半年结束前检查完本人负责的每一家企业。");
      }
    }
    return sent;
  }

  private async remind(people: PersonQuota[], key: string, when: string, closing: string): Promise<number> {
    let sent = 0;
    for (const p of people.filter((q) => q.missing > 0)) {
      const person = await this.deps.db.manager.findOneByOrFail(Person, { id: p.personId });
      const lines = p.items.filter((i) => i.done < i.required).map((i) => `- ${i.rule}，已完成 ${i.done}`);
      const markdown = [`**日周月任务提醒**`, `${when}您的检查任务还差 ${p.missing} 次：`, ...lines, closing].join("\n");
      const created = await this.deps.db.transaction(async (tx) => {
        const result = await this.deps.outbox.enqueue(tx, { idempotencyKey: `${key}:${p.personId}`, lane: "routine", message: { kind: "markdown", markdown }, recipients: await resolveRecipients(tx, [person], this.deps.channels), source: key });
        return result.created;
      });
      if (created) sent++;
    }
    return sent;
  }
}
