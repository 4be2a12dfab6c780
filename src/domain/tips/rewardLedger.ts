import ExcelJS from "exceljs";
import { type EntityManager, In, Not, IsNull } from "typeorm";
import { formatLocal } from "../../clock";
import { PublicTip, Tip, TipCategory } from "../../db/entities";
import { Invalid } from "../../errors";
import { rewardStateLabels, tipChannelLabels, tipSourceLabels } from "./vocabulary";

/** One line of the ledger: the tip by number, never by tipster. */
export interface RewardLine {
  number: string;
  source: string;
  channel: string;
  category: string;
  closedAt: Date | null;
  amount: number | null;
  state: string;
  paidAt: Date | null;
  reference: string | null;
}

const DAY_MS = 86_400_000;

/**
 * The rewards of a period for the finance office: every reward decided on a tip closed in the
 * period or paid in it. Numbers, amounts, states, dates and payment references only — the tipster
 * is paid through the tip officer, so the ledger never carries a name, a phone or an account.
 */
export async function rewardLines(manager: EntityManager, from: Date, to: Date): Promise<RewardLine[]> {
  if (!(from < to) || to.getTime() - from.getTime() > 366 * DAY_MS) throw Invalid("期间应为开始早于结束、不超过一年的日期", [{ where: "from", message: "期间无效" }], "tip_ledger_period_invalid");
  const tips = await manager
    .createQueryBuilder(Tip, "t")
    .where({ rewardState: Not(IsNull()) })
    .andWhere("((t.closedAt >= :from AND t.closedAt < :to) OR (t.rewardPaidAt >= :from AND t.rewardPaidAt < :to))", { from, to })
    .orderBy("t.closedAt", "ASC")
    .addOrderBy("t.id", "ASC")
    .getMany();
  const ids = tips.map((t) => t.id);
  const pubs = new Map((ids.length ? await manager.find(PublicTip, { where: { tipId: In(ids) } }) : []).map((p) => [p.tipId, p]));
  const names = new Map((await manager.find(TipCategory)).map((c) => [c.code, c.name]));
  return tips.map((t) => {
    const pub = pubs.get(t.id);
    return {
      number: t.number,
      source: tipSourceLabels[t.source],
      channel: tipChannelLabels[t.channel],
      category: pub ? (names.get(pub.categoryCode) ?? pub.categoryCode) : "",
      closedAt: t.closedAt,
      amount: t.rewardAmount,
      state: t.rewardState ? rewardStateLabels[t.rewardState] : "",
      paidAt: t.rewardPaidAt,
      reference: pub?.rewardReference ?? null,
    };
  });
}

/** The ledger as an xlsx workbook (one sheet, a total line). */
export async function rewardLedgerXlsx(lines: readonly RewardLine[], title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("举报奖励台账");
  sheet.addRow([title]).font = { bold: true, size: 14 };
  const header = sheet.addRow(["举报编号", "举报人类别", "举报渠道", "举报类别", "办结时间", "奖励金额（元）", "奖励状态", "兑现时间", "兑现凭证号"]);
  header.font = { bold: true };
  sheet.columns = [16, 14, 12, 18, 18, 14, 10, 18, 20].map((width) => ({ width }));
  for (const l of lines) sheet.addRow([l.number, l.source, l.channel, l.category, l.closedAt ? formatLocal(l.closedAt) : "", l.amount ?? 0, l.state, l.paidAt ? formatLocal(l.paidAt) : "", l.reference ?? ""]);
  const total = lines.reduce((sum, l) => sum + (l.amount ?? 0), 0);
  const paid = lines.filter((l) => l.paidAt).reduce((sum, l) => sum + (l.amount ?? 0), 0);
  sheet.addRow([`合计 ${lines.length} 笔`, "", "", "", "", total, `已兑现 ${paid} 元`]).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
