/**
 * The digest's duty section (今日值班) and its red item (值班未签到), behind a small interface: the
 * digest does not know how rosters are kept. The duty feature fills it; until it does, the digest
 * says the duty feature is not on rather than leaving the section out.
 */

/** One shift named in the digest. */
export interface DutyShiftLine {
  name: string;
  /** The unit the shift is kept for. */
  unit: string;
  /** `08:00–次日 08:00`, as the duty feature words the shift's hours. */
  hours: string;
}

/** What the digest says about duty for the units a leader leads, on one Shanghai day. */
export interface DutyToday {
  /** 带班领导 on duty that day, in the order the digest lists them. */
  leaders: DutyShiftLine[];
  /** Shifts of yesterday and the day so far whose 到岗签到 did not come: red items. */
  missedCheckIns: DutyShiftLine[];
}

/** The units a leader leads: their own (by id) and every unit whose path starts with `unitPath`. */
export interface DutyScope {
  unitId: number;
  unitPath: string;
}

/** Answers the digest's duty questions; the duty feature provides one. */
export interface DutySource {
  today(scope: DutyScope, day: string, asOf: Date): Promise<DutyToday>;
}
