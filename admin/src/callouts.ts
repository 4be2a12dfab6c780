import type { Labelled, Ref } from "./api";

export const WARNING_TYPES: Labelled[] = Object.entries({ rainstorm: "暴雨", gale: "大风", snow_ice: "冰雪", fog: "大雾", heat: "高温", thunder: "雷电", other: "其他" }).map(([code, label]) => ({ code, label }));
export const LEVELS: Labelled[] = Object.entries({ red: "红色", orange: "橙色", yellow: "黄色", blue: "蓝色" }).map(([code, label]) => ({ code, label }));
/** The directory's roles a 叫应 rule may pick. */
export const ROLES: Labelled[] = Object.entries({
  chief: "主要负责人",
  deputy_leader: "分管负责人",
  admin_owner: "行政负责人",
  duty_leader: "带班领导",
  duty_officer: "值班人员",
  inspector: "监管人员",
  enforcer: "执法队员",
  grid_member: "网格员",
  village_cadre: "村社区干部",
  dept_supervisor: "行业部门监管负责人",
  enterprise_owner: "企业单位负责人",
}).map(([code, label]) => ({ code, label }));

/** How a recipient's state reads at a glance on the board: answered green, escalated or unreachable red. */
export const RECIPIENT_TAG: Record<string, "success" | "warning" | "danger" | "info"> = { acknowledged: "success", reported: "success", escalated: "danger", unreachable: "danger", sent: "warning", pending: "info" };

export const LEVEL_COLORS: Record<string, string> = { red: "#f56c6c", orange: "#f89c38", yellow: "#e6c13c", blue: "#409eff" };

export interface CalloutRow {
  id: number;
  title: string;
  warningType: Labelled;
  level: Labelled;
  state: Labelled;
  initiator: Ref;
  createdAt: string;
  sentAt: string | null;
  deadlineAt: string | null;
  counts: { total: number; answered: number };
  answerRate: number | null;
}

export interface PreviewRow {
  personId: number;
  name: string;
  unit: string;
  roles: Labelled[];
  reachable: boolean;
}

/** GET /api/callouts/:id: the live board. */
export interface Board {
  id: number;
  title: string;
  warningType: Labelled;
  level: Labelled;
  state: Labelled;
  requiresReport: boolean;
  sentAt: string | null;
  deadlineAt: string | null;
  closedAt: string | null;
  counts: { total: number; answered: number; notYet: number; escalated: number; unreachable: number; reported: number; late: number };
  people: { recipientId: number; personId: number; name: string; state: Labelled; acknowledgedAt: string | null; ackChannel: string | null; late: boolean; reportText: string | null; remindersSent: number }[];
}

/** How the open board follows a running 叫应: pushed by the server, or polled where the push failed. */
export type BoardFollowing = "live" | "polling";

const POLL_MS = 2000;

/**
 * Follows a running 叫应's board: `GET /api/callouts/:id/stream` (server-sent events, the same data
 * as the board, whenever it changes); where EventSource is missing or the stream is refused, a
 * 2-second poll instead. Returns the function that stops following (the page leaving).
 */
export function followBoard(id: number, handlers: { board: (b: Board) => void; poll: () => Promise<void>; mode?: (m: BoardFollowing) => void }): () => void {
  let timer: ReturnType<typeof setInterval> | undefined;
  let source: EventSource | undefined;
  const fallBack = () => {
    source?.close();
    if (timer) return;
    handlers.mode?.("polling");
    timer = setInterval(() => void handlers.poll(), POLL_MS);
  };
  if (typeof EventSource === "undefined") fallBack();
  else {
    source = new EventSource(`/api/callouts/${id}/stream`);
    source.addEventListener("open", () => handlers.mode?.("live"));
    source.addEventListener("board", (e) => handlers.board(JSON.parse((e as MessageEvent<string>).data) as Board));
    // The campaign is over: nothing more will change.
    source.addEventListener("end", () => source?.close());
    // CLOSED: refused outright (not an event stream); CONNECTING: the browser retries by itself.
    source.addEventListener("error", () => {
      if (source?.readyState === EventSource.CLOSED) fallBack();
    });
  }
  return () => {
    source?.close();
    clearInterval(timer);
  };
}
