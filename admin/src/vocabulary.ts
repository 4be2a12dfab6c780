import { api, type Labelled } from "./api";

/** The choices the directory and settings forms offer, as the server names them (GET /api/directory/vocabulary). */
export interface Vocabulary {
  roles: Labelled[];
  unitKinds: Labelled[];
  industries: Labelled[];
  scales: Labelled[];
  riskLevels: Labelled[];
  consoleRoles: Labelled[];
  dataScopes: Labelled[];
  inspectionKinds: Labelled[];
  periodKinds: Labelled[];
}

let cached: Promise<Vocabulary> | null = null;

/** Loaded once per page load; a failure is not kept, so the next form asks again. */
export function vocabulary(): Promise<Vocabulary> {
  cached ??= api.get<Vocabulary>("/api/directory/vocabulary").then(
    (r) => r.data,
    (err: unknown) => {
      cached = null;
      throw err;
    },
  );
  return cached;
}

export const labelOf = (list: readonly Labelled[], code: string | null | undefined): string => list.find((l) => l.code === code)?.label ?? code ?? "—";

/** Element Plus tag colours for 红橙黄蓝 (orange has no tag type of its own: a custom colour). */
export const RISK_COLOURS: Record<string, string> = { red: "#f56c6c", orange: "#f08c2e", yellow: "#e6a23c", blue: "#409eff" };
