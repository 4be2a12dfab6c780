// Retention: what people wrote is blanked after RETENTION_DAYS; what it produced stays.
export { purgeExpired, REDACTED_CONSOLE_BODY, REDACTED_PAYLOAD, type PurgeResult } from "./purge";
