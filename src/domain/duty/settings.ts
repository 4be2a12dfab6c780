/** How duty reminders and checks are timed; every value may be changed per deployment (DutyService deps). */
export interface DutySettings {
  /** The evening reminder's local time the day before a shift: 20:00. */
  eveningHour: number;
  /** Minutes before the start for the last reminder: 60. */
  beforeMinutes: number;
  /** In a critical period the last reminder comes this much earlier: 120. */
  criticalBeforeMinutes: number;
  /** Minutes after the start without a check-in before each rung: reminder, duty leader, unit head (15 apart). */
  checkInGraceMinutes: number;
  /** Minutes a spot check (查岗) may go unanswered: 10. */
  spotCheckMinutes: number;
  /** Random spot checks per shift of the duty leader's units (0: none scheduled). */
  randomSpotChecks: number;
}

export const DEFAULT_DUTY_SETTINGS: DutySettings = {
  eveningHour: 20,
  beforeMinutes: 60,
  criticalBeforeMinutes: 120,
  checkInGraceMinutes: 15,
  spotCheckMinutes: 10,
  randomSpotChecks: 0,
};
