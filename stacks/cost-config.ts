// The `cost` config section: the usage profile the plan's cost estimate (`npm run plan -- --cost`,
// tools/plan/cost/estimate.ts) prices, and an optional ceiling the estimate must stay under. The program declares
// nothing from it; it lives in the stack config so each environment states its own expected usage beside the caps
// it sets, validated like every other key. Defaults are zero usage: an estimate shows only what a profile states.
import { z } from "zod";

const count = (description: string) => z.number().int().min(0).default(0).meta({ description, accepts: "integer >= 0" });
const amount = (description: string) => z.number().min(0).default(0).meta({ description, accepts: "number >= 0" });

/** ISO 3166-1 alpha-2 codes of the countries SMS is sent to. */
const COUNTRY = /^[A-Z]{2}$/;

export const costUsageSchema = z
  .object({
    chatMessagesPerMonth: count("chat messages sent per month"),
    emailsPerMonth: count("emails sent per month (one per recipient)"),
    emailSizeKb: z.number().min(0).default(50).meta({
      description: "average size of an email in KB (headers, body, attachments), billed per MB per recipient",
      accepts: "number >= 0",
    }),
    smsSegmentsPerMonth: z
      .record(
        z.string().regex(COUNTRY, "a country code like US"),
        z.number().int().min(0).meta({ description: "SMS segments sent to that country per month" }),
      )
      .default({})
      .meta({ description: "SMS segments sent per month by destination country", accepts: "map of `XX` country code → integer >= 0" }),
    tollFreeNumbers: count("toll-free phone numbers leased"),
    callingMinutesPerMonth: count("VoIP participant-minutes per month"),
    logAnalyticsGbPerDay: z.number().min(0).optional().meta({
      description: "Log Analytics ingestion per day in GB; at most `logAnalytics.dailyQuotaGb` (ingestion stops at the cap)",
      accepts: "number >= 0, <= logAnalytics.dailyQuotaGb",
      defaultText: "`logAnalytics.dailyQuotaGb` (the upper bound)",
    }),
    natGbPerMonth: amount("GB through the NAT gateway per month (with `network.enabled`)"),
    privateEndpointGbPerMonth: amount("GB through the private endpoint per month, in and out (with `network.enabled`)"),
    eventGridOperationsPerMonth: count("Event Grid operations per month (publishes and delivery attempts; the first 100,000 are free)"),
    keyVaultOperationsPerMonth: count("Key Vault operations per month (secret reads and writes)"),
  })
  .strict();

export const costConfigSchema = z
  .object({
    usage: costUsageSchema.prefault({}).meta({
      description: "expected usage the plan's `--cost` estimate prices (all zero unless set)",
      accepts: "mapping of the keys below",
    }),
    ceiling: z
      .object({
        amount: z.union([z.number().positive(), z.literal("budget")]).meta({
          description: "monthly USD the estimate must not exceed; `budget` takes `alerts.budget.amount`",
          accepts: "number > 0 or `budget`",
        }),
        enforcement: z
          .enum(["mandatory", "advisory"])
          .default("advisory")
          .meta({ description: "`mandatory` fails the plan above the ceiling, `advisory` warns" }),
      })
      .strict()
      .optional()
      .meta({
        description: "optional cost ceiling the `--cost` plan checks (policy `cost-stack-enforce-ceiling`)",
        accepts: "`{ amount, enforcement }`",
        defaultText: "none",
      }),
  })
  .strict()
  .prefault({})
  .meta({ description: "usage profile and optional ceiling of the plan's cost estimate (docs/cost.md)", accepts: "`{ usage, ceiling }`" });

export type CostSection = z.output<typeof costConfigSchema>;
export type CostUsage = z.output<typeof costUsageSchema>;

/** Problems across sections: the Log Analytics usage above its cap, a `budget` ceiling without a budget. */
export function costConfigProblems(
  cost: CostSection,
  dailyQuotaGb: number,
  budgetAmount: number | undefined,
): Array<{ path: (string | number)[]; message: string }> {
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  const la = cost.usage.logAnalyticsGbPerDay;
  if (la !== undefined && la > dailyQuotaGb)
    problems.push({
      path: ["usage", "logAnalyticsGbPerDay"],
      message: `must be at most logAnalytics.dailyQuotaGb (${dailyQuotaGb}): ingestion stops at the cap; got ${la}`,
    });
  if (cost.ceiling?.amount === "budget" && budgetAmount === undefined)
    problems.push({ path: ["ceiling", "amount"], message: 'is "budget" but alerts.budget is not set; give a number or set alerts.budget' });
  return problems;
}
