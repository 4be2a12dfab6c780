import { defineVocabulary } from "../kernel/vocabulary";

/** The closed vocabularies of duty (值班值守), stored as codes and shown in Chinese. */

export const dutyRoles = defineVocabulary({ leader: "带班领导", officer: "值班员", liaison: "联络员" });
export type DutyRole = (typeof dutyRoles.codes)[number];

/** The escalation engine's names for a shift's reminders and for a spot check's chasing. */
export const SHIFT_KIND = "duty" as const;
export const SPOT_CHECK_KIND = "duty_check" as const;

/** The button on every duty card; it comes back as `card_click.buttonKey`. */
export const BUTTON_ACK = "ack";

/**
 * Task ids of duty cards: `dy<shift>-<anchor>-<step>` for a shift's reminder, `dc<check>` for a spot
 * check. WeChat Work's sender may add an 8-hex suffix per call; the click reports the id as sent.
 */
export const shiftTaskId = (shiftId: number, step: string): string => `dy${shiftId}-${step.replace(/[^a-z0-9]/gi, "")}`;
export const checkTaskId = (checkId: number): string => `dc${checkId}`;

export function parseDutyTask(taskId: string): { kind: "shift" | "check" | "swap"; id: number } | null {
  const m = /^(dy|dc|ds)(\d+)(?:-[a-z0-9]+)?(?:-[0-9a-f]{8})?$/i.exec(taskId);
  if (!m) return null;
  return { kind: m[1] === "dy" ? "shift" : m[1] === "dc" ? "check" : "swap", id: Number(m[2]) };
}

/** What a duty-log line records. */
export const LOG_KINDS = {
  confirmed: "确认收到",
  checked_in: "到岗签到",
  spot_check: "查岗",
  spot_answered: "查岗应答",
  spot_missed: "查岗未应答",
  handover: "交接班",
  swap: "换班",
} as const;
export type LogKind = keyof typeof LOG_KINDS;

/** The outbox source of a shift's messages. */
export const sourceOfShift = (shiftId: number): string => `duty:${shiftId}`;
