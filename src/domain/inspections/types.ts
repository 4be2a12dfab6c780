import type { Clock } from "../../clock";
import type { Database } from "../../db/Database";
import type { PhotoFiles } from "./photos";
import type { InspectionKind, InspectionResult } from "./vocabulary";

/** What InspectionService is built from. */
export interface InspectionServiceDeps {
  db: Database;
  clock: Clock;
  /**
   * The media store, to refuse photo keys that name no stored file. Every running app passes it;
   * tests that record check-ins with made-up keys leave it out (ownership is checked either way).
   */
  media?: PhotoFiles;
  config: {
    /** A check-in further than this from the enterprise's coordinates is flagged `far_from_site` (INSPECTION_FAR_METRES). */
    farMetres: number;
  };
}

/** Where the inspector was when checking in, as their phone reported it. */
export interface Position {
  latitude: number;
  longitude: number;
}

/** A check-in, as the inspector describes it. */
export interface CheckInInput {
  enterpriseId: number;
  kind: InspectionKind;
  result: InspectionResult;
  /** Storage keys of photos already saved to the media store; at least one when nothing was found. */
  photoKeys?: readonly string[];
  note?: string | null;
  /** The inspector's shared location, if any; the distance to the enterprise is computed from it. */
  position?: Position | null;
  /** Makes the call idempotent: the same key again returns what the first call created (e.g. a chat turn replayed). */
  requestKey?: string;
}

/** What the list can be narrowed by; every field is optional. */
export interface InspectionFilter {
  inspectorId?: number;
  enterpriseId?: number;
  /** The inspector's unit at check-in time, and every unit below it (org_units.path). */
  unitId?: number;
  /** Only check-ins of these units (the viewer's data scope, already expanded to subtrees); empty matches none. */
  withinUnits?: readonly number[];
  kind?: InspectionKind;
  result?: InspectionResult;
  /** Only check-ins flagged far from the enterprise (true) or only the others (false). */
  farFromSite?: boolean;
  /** Checked in at or after … */
  from?: Date;
  /** … and before. */
  to?: Date;
  page?: number;
  pageSize?: number;
}
