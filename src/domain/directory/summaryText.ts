import { SHEETS } from "./columns";
import { type ImportSummary, KINDS } from "./model";

/** The summary as the import command prints it, one line per kind. */
export function formatSummary(summary: ImportSummary): string {
  return KINDS.map((k) => {
    const c = summary[k];
    return `  ${SHEETS[k].sheet}：新增 ${c.created}，更新 ${c.updated}，未变 ${c.unchanged}`;
  }).join("\n");
}
