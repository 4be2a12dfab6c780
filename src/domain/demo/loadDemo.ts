import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";

export interface DemoResult {
  loaded: boolean;
  units: number;
  people: number;
  enterprises: number;
}

/** Loads the demo county when the directory is empty (placeholder until the demo county lands). */
export async function loadDemoIfEmpty(_db: Database, _clock: Clock): Promise<DemoResult> {
  return { loaded: false, units: 0, people: 0, enterprises: 0 };
}
