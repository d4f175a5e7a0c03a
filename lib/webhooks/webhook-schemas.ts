import { z } from "zod";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS } from "@/lib/vocabulary";

// A webhook as the API and Settings take it. The URL may carry a token (Slack's
// do), so hooks are an admin's to list and change.

export const webhookUrl = z
  .string()
  .trim()
  .max(2048, "must be at most 2048 characters")
  .refine((v) => {
    try {
      const url = new URL(v);
      return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL");

export const webhookEvents = z
  .array(z.enum(WEBHOOK_EVENTS, { error: (issue) => `unknown event ${JSON.stringify(issue.input)}: kobuild sends ${WEBHOOK_EVENTS.join(", ")}` }))
  .min(1, "must name at least one event")
  .max(WEBHOOK_EVENTS.length)
  .transform((events) => [...new Set(events)]);

const webhookSecret = z.string().min(16, "must be at least 16 characters").max(256, "must be at most 256 characters");
const webhookFormat = z.enum(WEBHOOK_FORMATS, { error: `must be one of ${WEBHOOK_FORMATS.join(", ")}` });

export const createWebhookBodySchema = z
  .object({
    url: webhookUrl,
    events: webhookEvents,
    secret: webhookSecret,
    format: webhookFormat.default("json"),
  })
  .strict();

export type CreateWebhookBody = z.infer<typeof createWebhookBodySchema>;

/** A hook changed in place: its deliveries stay. A new `secret` replaces the old one (rotation); it is never returned either. */
export const updateWebhookBodySchema = z
  .object({
    url: webhookUrl.optional(),
    events: webhookEvents.optional(),
    secret: webhookSecret.optional(),
    format: webhookFormat.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "say what to change: url, events, format or secret");

export type UpdateWebhookBody = z.infer<typeof updateWebhookBodySchema>;

const id = (what: string) => z.string().regex(/^\d{1,12}$/, `must be a ${what} id`).transform(Number);

export const webhookIdParamsSchema = z.object({ id: id("webhook") });

export const deliveryParamsSchema = z.object({ id: id("webhook"), deliveryId: id("delivery") });
