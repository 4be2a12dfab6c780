import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import { OrgUnit } from "../../db/entities";
import { type DirectoryRows, type ImportSummary, importDirectory } from "../directory";
import { demoUnits } from "./county";
import { demoEnterprises } from "./enterprises";
import { demoPeople } from "./people";

/** What loading the demo county did. */
export interface DemoResult {
  /** False when the directory already held units and nothing was loaded. */
  loaded: boolean;
  units: number;
  people: number;
  enterprises: number;
  /** What the import did; null when nothing was loaded. */
  summary: ImportSummary | null;
}

/** The demo county 青禾县 as directory rows, the same every time. */
export function demoDirectory(): DirectoryRows {
  return { units: demoUnits, people: demoPeople, enterprises: demoEnterprises };
}

/**
 * Loads (or brings back) the demo county through the directory import, so it obeys every rule a
 * real file does; loading it again changes nothing. A directory with another county refuses it
 * (two roots), which is what an operator would want.
 */
export async function loadDemo(db: Database, clock: Clock): Promise<DemoResult> {
  const rows = demoDirectory();
  const summary = await importDirectory(db, clock, rows, { actor: "demo", source: "演示数据" });
  return { loaded: true, units: rows.units.length, people: rows.people.length, enterprises: rows.enterprises.length, summary };
}

/** Loads the demo county only when the directory has no units yet (a fresh embedded database). */
export async function loadDemoIfEmpty(db: Database, clock: Clock): Promise<DemoResult> {
  if ((await db.manager.count(OrgUnit)) > 0) return { loaded: false, units: 0, people: 0, enterprises: 0, summary: null };
  return loadDemo(db, clock);
}
