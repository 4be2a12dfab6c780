import type { Labelled } from "./api";
import type { UnitRef } from "./session";

/** GET /api/dashboard, as the adminapi contract fixes it. */
export interface Dashboard {
  unit: UnitRef | null;
  from: string;
  to: string;
  hazards: {
    byState: (Labelled & { count: number })[];
    byLevel: (Labelled & { count: number })[];
    byUnit: (UnitRef & { count: number; open: number; overdue: number })[];
    overdueTrend: { date: string; overdue: number }[];
    reported: number;
    open: number;
    overdue: number;
  };
  inspections: { done: number; quota: { period: string; required: number; done: number; missing: number } | null; byUnit: (UnitRef & { done: number; required: number; quotaDone: number })[] };
  callouts: { campaigns: number; called: number; answered: number; answerRate: number | null; recent: { id: number; title: string; level: Labelled; sentAt: string | null; answered: number; total: number }[] };
  tips: { byState: (Labelled & { count: number })[]; total: number } | null;
  duty: { today: { name: string; role: Labelled; unit: UnitRef | string | null }[] } | null;
}

export const percent = (r: number | null): string => (r === null ? "—" : `${Math.round(r * 100)}%`);

const LEVEL_COLORS: Record<string, string> = { major: "#f56c6c", general: "#e6a23c" };

export function pie(all: { name: string; value: number; code?: string }[]): Record<string, unknown> {
  // Empty slices would draw as equal parts of a ring: leave them to the table beside the chart.
  const items = all.filter((i) => i.value > 0);
  if (items.length === 0) return { title: { text: "暂无数据", left: "center", top: "middle", textStyle: { color: "#c0c4cc", fontSize: 14 } }, series: [] };
  return {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["40%", "70%"], label: { formatter: "{b}" }, data: items.map((i) => ({ name: i.name, value: i.value, itemStyle: i.code && LEVEL_COLORS[i.code] ? { color: LEVEL_COLORS[i.code] } : undefined })) }],
  };
}

export function bars(names: string[], series: { name: string; data: number[]; color?: string }[]): Record<string, unknown> {
  return {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    // Unit names run long (工贸行业安全监督管理科): slanted and cut to six characters, the full name in the tooltip and the table.
    grid: { left: 40, right: 10, top: 30, bottom: names.length > 4 ? 80 : 40 },
    xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 4 ? 40 : 0, formatter: (name: string) => (name.length > 6 ? `${name.slice(0, 6)}…` : name) } },
    yAxis: { type: "value", minInterval: 1 },
    series: series.map((s) => ({ type: "bar", name: s.name, data: s.data, itemStyle: s.color ? { color: s.color } : undefined })),
  };
}

export function line(dates: string[], values: number[], name: string): Record<string, unknown> {
  return {
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 10, top: 20, bottom: 30 },
    xAxis: { type: "category", data: dates.map((d) => d.slice(5)) },
    yAxis: { type: "value", minInterval: 1 },
    // Whole hazards counted at each day's end: straight segments, no smoothing that would dip below zero or overshoot.
    series: [{ type: "line", name, data: values, smooth: false, showSymbol: values.length <= 14, symbolSize: 5, areaStyle: { opacity: 0.15 }, itemStyle: { color: "#f56c6c" } }],
  };
}

/** YYYY-MM-DD of a date in China's time (the county's calendar, wherever the browser is). */
export function chinaDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Inspections against quota for the whole selection: the unit's own quota, or the sum over its units. */
export function quotaTotals(d: Dashboard): { done: number; required: number } {
  if (d.inspections.quota) return { done: d.inspections.quota.done, required: d.inspections.quota.required };
  return d.inspections.byUnit.reduce((t, u) => ({ done: t.done + u.quotaDone, required: t.required + u.required }), { done: 0, required: 0 });
}
