/** Directory import/export: units (单位), people (人员) and enterprises (企业) in workbooks and CSV files. */
export { SHEETS, unitColumns, personColumns, enterpriseColumns, NOTES_SHEET } from "./columns";
export { creditCodeProblem, makeCreditCode } from "./creditCode";
export { exportDirectory, storedRows } from "./exportDirectory";
export {
  checkDirectory,
  checkDirectoryFiles,
  importDirectory,
  importDirectoryFiles,
  readDirectoryFiles,
  type ImportOptions,
} from "./importDirectory";
export type { Directory, EnterpriseRow, ImportSummary, KindCounts, PersonRow, UnitRow } from "./model";
export { formatSummary } from "./summaryText";
export type { DirectoryFile } from "./readFiles";
export { StoredDirectory } from "./stored";
export { directoryTemplate, templateRows } from "./template";
export { type DirectoryRows, writeWorkbook } from "./writeWorkbook";
