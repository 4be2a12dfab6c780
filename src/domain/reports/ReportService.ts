import { PassThrough, type Writable } from "node:stream";
import type { ChannelId } from "../../channels/channel";
import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { type OrgUnit, Person } from "../../db/entities";
import { Invalid } from "../../errors";
import type { MediaStore } from "../../media/MediaStore";
import { type OutboxService, resolveRecipients } from "../outbox";
import { isMonth, localDay, monthSpan, previousMonth } from "../quotas/calendar";
import { unitByCode } from "../quotas/progress";
import { type MonthlyReportInput, writeMonthlyReport } from "./monthlyReport";
import type { MonthlySummary } from "./summary";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export interface ReportServiceDeps {
  db: Database;
  clock: Clock;
  media: MediaStore;
  outbox: Pick<OutboxService, "enqueue" | "messageByKey">;
  channels: readonly ChannelId[];
  /** REPORT_RECIPIENTS: mobiles of the people who get their unit's report on the 1st. */
  recipients: readonly string[];
}

/** 月报: seed 004's monthly workbook, downloadable for any month and sent on the 1st. */
export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  /** Checks the unit and month and returns what writing the report needs; throws 400/404 before anything is written. */
  async prepare(unitCode: string, month: string): Promise<MonthlyReportInput> {
    if (!isMonth(month)) throw Invalid("月份应为 YYYY-MM，例如 2026-03", undefined, "invalid_month");
    const unit = await unitByCode(this.deps.db.manager, unitCode);
    return { unit, month, span: monthSpan(month), now: this.deps.clock.now() };
  }

  /** Streams the workbook into `out`. */
  write(input: MonthlyReportInput, out: Writable): Promise<MonthlySummary> {
    return writeMonthlyReport(this.deps.db.manager, input, out);
  }

  /** The workbook as bytes (for sending as a file). */
  async workbook(unit: OrgUnit, month: string): Promise<Buffer> {
    const input = { unit, month, span: monthSpan(month), now: this.deps.clock.now() };
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve, reject) => {
      out.on("end", resolve);
      out.on("error", reject);
    });
    await writeMonthlyReport(this.deps.db.manager, input, out);
    await ended;
    return Buffer.concat(chunks);
  }

  /**
   * From the 1st to the 5th (the report is due on the 5th): last month's report for each
   * configured recipient's unit, as a file through the outbox, once per person and month (the
   * message's idempotency key); a missed run is caught up by the next.
   */
  async sendDue(now: Date = this.deps.clock.now()): Promise<number> {
    const today = localDay(now);
    if (Number(today.slice(8, 10)) > 5 || this.deps.recipients.length === 0) return 0;
    const month = previousMonth(today.slice(0, 7));
    let sent = 0;
    for (const mobile of this.deps.recipients) {
      const person = await this.deps.db.manager.findOne(Person, { where: { mobile, active: true }, relations: { unit: true } });
      if (!person?.unit) continue;
      const key = `report:monthly:${person.id}:${month}`;
      if (await this.deps.outbox.messageByKey(key)) continue;
      const stored = await this.deps.media.save(await this.workbook(person.unit, month), XLSX_TYPE);
      const created = await this.deps.db.transaction(async (tx) => {
        const result = await this.deps.outbox.enqueue(tx, { idempotencyKey: key, lane: "routine", message: { kind: "file", storageKey: stored.key }, recipients: await resolveRecipients(tx, [person], this.deps.channels), source: `report:${month}` });
        return result.created;
      });
      if (created) sent++;
    }
    return sent;
  }
}
