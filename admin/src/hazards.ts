import type { Labelled, Ref } from "./api";

/** A hazard as GET /api/hazards and /api/hazards/:id present it. */
export interface Hazard {
  id: number;
  number: string;
  source: Labelled;
  state: Labelled;
  level: Labelled;
  category: string;
  description: string;
  enterprise: Ref | null;
  unit: Ref | null;
  location: { text: string | null; latitude: number | null; longitude: number | null };
  reporter: Ref | null;
  owner: Ref | null;
  supervisor: Ref | null;
  verifier: Ref | null;
  fivePoints: { owner: Ref | null; measures: string | null; funds: string | null; deadline: string | null; contingencyPlan: string | null };
  listedForSupervision: boolean;
  leaderSignoff: { by: Ref | null; at: string | null } | null;
  enforcementStage: Labelled | null;
  overdue: boolean;
  reportedAt: string;
  closedAt: string | null;
  updatedAt: string;
  version: number;
}

export interface HazardPhoto {
  id: number;
  storageKey: string;
  uploadedBy: Ref | null;
  at: string;
  /** Where the image is served to signed-in people within scope. */
  url?: string;
}

export interface HazardDetail extends Hazard {
  timeline: { id: number; at: string; actor: Ref; action: string; actionLabel: string; fromState: Labelled | null; toState: Labelled | null; reason: string | null; changes: { before: object; after: object } | null }[];
  photos: { before: HazardPhoto[]; after: HazardPhoto[]; proof: HazardPhoto[] };
}

export const HAZARD_STATES: Labelled[] = [
  { code: "reported", label: "已上报" },
  { code: "assigned", label: "已交办" },
  { code: "rectifying", label: "整改中" },
  { code: "submitted", label: "待复查" },
  { code: "verified", label: "复查通过" },
  { code: "closed", label: "已销号" },
];

/** Which transitions a hazard in each state offers (the server's state machine decides; this only hides buttons). */
export const ACTIONS_BY_STATE: Record<string, string[]> = {
  reported: ["assign", "fix-on-spot"],
  assigned: ["start", "extend"],
  rectifying: ["submit", "extend"],
  submitted: ["verify", "reject"],
  verified: ["close", "signoff", "reopen"],
  closed: ["reopen"],
};

/** States in which 整改后 photos may be added (rectification has started; the server decides). */
export const AFTER_PHOTO_STATES = ["rectifying", "submitted", "verified", "closed"];

export const ACTION_LABELS: Record<string, string> = {
  assign: "交办",
  "fix-on-spot": "即知即改",
  start: "开始整改",
  extend: "延期",
  submit: "提交整改",
  verify: "复查通过",
  reject: "复查不通过",
  close: "销号",
  signoff: "领导签字",
  reopen: "重新打开",
};

export const LEVEL_TAG: Record<string, "danger" | "warning"> = { major: "danger", general: "warning" };

/** A time as people in the county read it: 2026-11-26 10:00 (China time). */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}
