// The config sections of Observability: the Log Analytics workspace's retention and daily cap, and the e-mail
// receivers of the action group every alert notifies.
import { z } from "zod";

/** The `logAnalytics` config section. */
export const logAnalyticsConfigSchema = z
  .object({
    /** Days the workspace keeps data. */
    retentionInDays: z.number().int().min(30).max(730).default(30).meta({ description: "how long the workspace keeps logs" }),
    /** Daily ingestion cap in GB; ingestion stops for the day once reached (cost guard). */
    dailyQuotaGb: z
      .number()
      .min(0.023)
      .max(1000)
      .default(1)
      .meta({
        description: "daily ingestion cap (cost guard; ingestion stops for the day at the cap, and `workspaceDailyCapReached` alerts)",
      }),
  })
  .strict()
  .prefault({});

/** A validated `logAnalytics` section. */
export type LogAnalyticsSection = z.output<typeof logAnalyticsConfigSchema>;

/** The `alertRecipients` config section: at least one e-mail receiver. */
export const alertRecipientsConfigSchema = z
  .array(
    z
      .object({
        /** Receiver name, unique within the action group. */
        name: z
          .string()
          .min(1)
          .max(128)
          .meta({ description: "receiver name, unique within the action group", accepts: "string, 1-128 characters" }),
        /** E-mail address that gets every alert. */
        email: z.email().meta({ description: "the address that gets every alert", accepts: "e-mail address" }),
      })
      .strict(),
  )
  .min(1);

/** A validated `alertRecipients` section. */
export type AlertRecipientsSection = z.output<typeof alertRecipientsConfigSchema>;
