import { DutyCalendarLink } from "../db/entities/DutyCalendarLink";
import { DutyCriticalPeriod } from "../db/entities/DutyCriticalPeriod";
import { DutyLogEntry } from "../db/entities/DutyLogEntry";
import { DutyShift } from "../db/entities/DutyShift";
import { DutySpotCheck } from "../db/entities/DutySpotCheck";
import { DutySwap } from "../db/entities/DutySwap";
import { DutyService } from "../domain/duty";
import { dutyRoutes } from "../http/routes/duty";
import { dutyCheckInFlow, dutyFlow, dutyHandoverFlow, dutySpotCheckFlow, dutySwapFlow } from "../../bots/flows/duty";
import { dutyTick } from "../../jobs/dutyTick.job";
import { calloutsFeature } from "./callouts";
import { defineFeature } from "./feature";

/** 值班值守: rosters, reminders with 「收到」, 到岗签到 and its escalation, 查岗, 交接班, the iCalendar feed. */
export const dutyFeature = defineFeature({
  name: "duty",
  needs: { callouts: calloutsFeature },
  services: ({ db, clock, outbox, channels }, { callouts }) => new DutyService({ db, clock, outbox, channels, callouts }),
  entities: [DutyShift, DutyLogEntry, DutySpotCheck, DutySwap, DutyCalendarLink, DutyCriticalPeriod],
  routes: (duty, { db, clock }) => [dutyRoutes({ db, clock, duty })],
  flows: [dutyFlow, dutyCheckInFlow, dutyHandoverFlow, dutySpotCheckFlow, dutySwapFlow],
  botServices: (duty) => ({ duty }),
  // A 「收到」 on a duty card, or typed by someone with a shift to confirm.
  botAnswers: (duty) => (event) => duty.answer(event),
  jobs: (duty) => [dutyTick(duty)],
});
