import type { AppJobContext, Job } from "./Job";
import { hazardNudges } from "./hazardNudges.job";
import { calloutTick } from "./calloutTick.job";
import { inboxRedrive } from "./inboxRedrive.job";
import { wecomContactSync } from "./wecomContactSync.job";

/**
 * Every scheduled job of the product. Features add theirs here; each names its cron expression
 * and the one domain function it calls.
 */
export const jobs: Job<AppJobContext>[] = [inboxRedrive, wecomContactSync, hazardNudges, calloutTick];
