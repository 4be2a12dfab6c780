/**
 * DingTalk's published limits (PROTOCOLS §3.3, §3.5, §3.6, §3.8), as data: the sender and the
 * outbox read them from here, nothing else spells a figure.
 */
export const LIMITS = {
  /** User ids per work-notification call (the 2019+ docs; later mirrors say 5,000 — stay safe). */
  workNoticeRecipientsPerCall: 100,
  /** User ids per robot one-to-one call (the official SDKs chunk by 20). */
  robotRecipientsPerCall: 20,
  /** A work notification's `msg`, JSON-encoded, in bytes. */
  workNoticeMsgBytes: 2048,
  /** Work notifications one person receives from one app per day (enterprise internal app). */
  workNoticesPerUserPerDay: 500,
  /** Largest file media/upload takes (images and files alike; voice is 2 MB). */
  fileUploadBytes: 20 << 20,
  /** Messages a webhook robot may send a minute; past it the robot is muted for 10 minutes. */
  robotWebhookPerMinute: 20,
  /** Calls a second on the standard edition, as calls a minute for the outbox's limiter. */
  apiCallsPerMinute: 1_200,
  /** Buttons on one interactive card before the StandardCard layout wraps them awkwardly. */
  cardButtonsMax: 4,
  /** A button label past this many characters is cut with an ellipsis. */
  buttonLabelChars: 8,
  /** A markdown title longer than this is cut in the conversation list. */
  markdownTitleChars: 20,
} as const;
