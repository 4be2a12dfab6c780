import { ApiToken, AuditEntry, BotConversation, Escalation, EscalationStep, InboundEventRow, OutboxDelivery, OutboxMessage, RequestResult, JobLock } from "../db/entities";
import { inboxRedrive } from "../../jobs/inboxRedrive.job";
import { defineFeature } from "./feature";

/**
 * The plumbing every other feature stands on: the durable inbox and outbox, the audit log and API
 * tokens, the bot's conversations, the request results that make a replayed verb idempotent, and the
 * escalation runs and steps that hazards, 叫应 (and duty) chase people with. The outbox service is part of the kernel and the inbox is wired by the composition root
 * (its handler is the bot), so the feature itself only owns their tables and the inbox's redrive.
 */
export const coreFeature = defineFeature({
  name: "core",
  services: () => ({}),
  entities: [InboundEventRow, OutboxMessage, OutboxDelivery, AuditEntry, ApiToken, BotConversation, RequestResult, Escalation, EscalationStep, JobLock],
  jobs: (_services, { inbox }) => [inboxRedrive(inbox)],
});
