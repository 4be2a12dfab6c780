/** The time source. Domain code takes a `Clock` so tests can move time without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move; for tests and replays. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = "2026-01-05T00:00:00Z") {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * A clock that starts at a chosen instant and then runs at the machine's pace (monotonic, so
 * moving the machine's clock changes nothing): for tests that drive real timers and a browser but
 * must not depend on the day or the hour they run at (quiet hours, deadlines).
 */
export class RunningClock implements Clock {
  private readonly startedAt = performance.now();
  private readonly start: number;

  constructor(start: Date | string) {
    this.start = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.start + Math.round(performance.now() - this.startedAt));
  }
}

/** Everything a person reads is in the county's own time zone. */
export const DISPLAY_TIME_ZONE = "Asia/Shanghai";

const displayFormat = new Intl.DateTimeFormat("zh-CN", {
  timeZone: DISPLAY_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** `2026-11-26 20:53`: a UTC instant as a person in China reads it. */
export function formatLocal(at: Date): string {
  const parts = Object.fromEntries(displayFormat.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
