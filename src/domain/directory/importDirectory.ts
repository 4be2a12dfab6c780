import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { type FieldProblem, Invalid } from "../../errors";
import { applyEnterprises } from "./applyEnterprises";
import { applyPeople } from "./applyPeople";
import { applyUnits } from "./applyUnits";
import { checkEnterprises } from "./checkEnterprises";
import { checkPeople } from "./checkPeople";
import { checkUnits } from "./checkUnits";
import type { ImportSummary, Kind } from "./model";
import { type ParsedDirectory, parseTables } from "./parseTables";
import { ProblemList } from "./problems";
import { type DirectoryFile, readTables } from "./readFiles";
import { rowsToTables } from "./rowsToTables";
import { StoredDirectory } from "./stored";
import type { DirectoryRows } from "./writeWorkbook";
import { DirectoryWriter } from "./writer";

/** How an import records itself. */
export interface ImportOptions {
  /** Who the audit lines name; `import` unless said otherwise (the demo loader says `demo`). */
  actor?: string;
}

/** Files read and checked cell by cell, with every problem found so far. */
export interface ReadResult {
  parsed: ParsedDirectory;
  problems: ProblemList;
}

/** Reads .xlsx and .csv files into directory rows; problems are collected, not thrown. */
export async function readDirectoryFiles(files: DirectoryFile[]): Promise<ReadResult> {
  const problems = new ProblemList();
  const incomplete = new Set<Kind>();
  const parsed = parseTables(await readTables(files, problems, incomplete), problems, incomplete);
  return { parsed, problems };
}

/** Every problem of a read directory, against what is stored (nothing, unless given). */
export function checkDirectory(read: ReadResult, stored: StoredDirectory = StoredDirectory.empty()): FieldProblem[] {
  const problems = new ProblemList();
  problems.addAll(read.problems);
  const unitCodes = checkUnits(read.parsed, stored, problems);
  const mobiles = checkPeople(read.parsed, stored, unitCodes, problems);
  checkEnterprises(read.parsed, unitCodes, mobiles, problems);
  return problems.sorted();
}

/**
 * Imports files into the directory, all or nothing: with any problem anywhere, it throws
 * `Invalid` (code `import_invalid`) listing every problem and writes nothing.
 */
export async function importDirectoryFiles(db: Database, clock: Clock, files: DirectoryFile[], options: ImportOptions = {}): Promise<ImportSummary> {
  return runImport(db, clock, await readDirectoryFiles(files), options);
}

/**
 * Imports rows built in code (the demo county) exactly as if they came from a workbook: every
 * cell goes through the column definitions, then the same checks and writes.
 */
export async function importDirectory(db: Database, clock: Clock, rows: DirectoryRows, options: ImportOptions & { source?: string } = {}): Promise<ImportSummary> {
  const problems = new ProblemList();
  const parsed = parseTables(rowsToTables(rows, options.source ?? "数据"), problems);
  return runImport(db, clock, { parsed, problems }, options);
}

/** Checks files against the stored directory without writing anything. */
export async function checkDirectoryFiles(db: Database, files: DirectoryFile[]): Promise<FieldProblem[]> {
  const read = await readDirectoryFiles(files);
  return checkDirectory(read, await StoredDirectory.load(db.manager));
}

async function runImport(db: Database, clock: Clock, read: ReadResult, options: ImportOptions): Promise<ImportSummary> {
  // Checks read the stored directory inside the transaction that writes, so nothing slips in between.
  return db.transaction(async (tx) => {
    const stored = await StoredDirectory.load(tx);
    const problems = checkDirectory(read, stored);
    if (problems.length > 0) throw Invalid(`导入文件有 ${problems.length} 处问题，未写入任何数据`, problems, "import_invalid");
    const { directory } = read.parsed;
    const w = new DirectoryWriter(tx, clock.now(), options.actor ?? "import");
    const units = await applyUnits(w, directory.units, stored);
    const people = await applyPeople(w, directory.people, stored, units.ids);
    const enterprises = await applyEnterprises(w, directory.enterprises, stored, units.ids, people.ids);
    await w.flushAudit();
    return { units: units.counts, people: people.counts, enterprises };
  });
}
