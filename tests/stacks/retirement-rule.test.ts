// The ACS retirement rule (plan-communication-disallow-retired-service) on the real stacks under a fake clock: one
// result per retiring capability prod uses (Email, chat tokens, SMS events), advisory before 2028-09-30 and
// mandatory from that day, naming the date, the sign-up cut-off and the source.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { evaluateStack } from "../../tools/plan/harness";
import { exitCodeFor } from "../../tools/plan/policy-runner";
import { allCreates } from "../../tools/plan/diff/compare";
import { planCommunicationDisallowRetiredService as rule } from "../../tools/plan/plan-rules";
import type { PlanResult } from "../../tools/plan/types";

const SOURCE = "https://learn.microsoft.com/azure/communication-services/acs-retirement-and-breaking-changes-guide";
let prod: PlanResult;
let dev: PlanResult;

beforeAll(async () => {
  prod = await evaluateStack({ stack: "prod" });
  dev = await evaluateStack({ stack: "dev" });
});

afterEach(() => {
  vi.useRealTimers();
});

/** The rule's results as `level | resource name`, its messages and the exit code they give. */
function run(plan: PlanResult, now: string) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(now));
  const results = rule.check(plan, allCreates(plan));
  const names = new Map(plan.resources.map((r) => [r.urn, r.name]));
  return {
    rows: results.map((r) => `${r.level} | ${names.get(r.urn ?? "") ?? "?"}`),
    messages: results.map((r) => r.message),
    exit: exitCodeFor(results),
  };
}

describe("plan-communication-disallow-retired-service (fake clock)", () => {
  it("prod today: one advisory result per retiring capability, exit 0", () => {
    const r = run(prod, "2026-12-07T10:00:00Z");
    expect([r.rows, r.exit]).toEqual([
      ["advisory | acsplat-communication-email", "advisory | acsplat-token-api-app", "advisory | acsplat-events-sub-sms-delivery"],
      0,
    ]);
    expect(r.messages[0]).toBe(
      "ACS Email: Email service 'acsplat-communication-email' with 1 domain(s) (notify.contoso.com) and 0 extra sender(s) (none) besides DoNotReply. " +
        `It retires on 2028-09-30, after which it "can't be used"; new customers cannot sign up since 2026-10-23, so a replaced resource may not come back. Source: ${SOURCE}`,
    );
    expect(r.messages[1]).toMatch(
      /^ACS Chat: 'acsplat-token-api-app' issues tokens with the scope\(s\) chat\.join\.limited\. It retires on 2028-09-30/,
    );
    expect(r.messages[2]).toMatch(
      /^ACS SMS: event subscription 'acsplat-events-sub-sms-delivery' delivers Microsoft\.Communication\.SMSDeliveryReportReceived\. It retires on 2028-09-30/,
    );
  });

  it("the last second before the date is still advisory; from 2028-09-30 00:00 UTC every result is mandatory, exit 1", () => {
    expect(run(prod, "2028-09-29T23:59:59Z").rows.every((x) => x.startsWith("advisory"))).toBe(true);
    const r = run(prod, "2028-09-30T00:00:00Z");
    expect([r.rows, r.exit]).toEqual([
      ["mandatory | acsplat-communication-email", "mandatory | acsplat-token-api-app", "mandatory | acsplat-events-sub-sms-delivery"],
      1,
    ]);
    expect(r.messages[0]).toContain(
      `It retired on 2028-09-30: retired ACS services "aren't supported and can't be used" after that date (new sign-ups closed on 2026-10-23). Source: ${SOURCE}`,
    );
  });

  it("dev uses the same three capabilities", () => {
    expect(run(dev, "2026-12-07T10:00:00Z").rows).toEqual([
      "advisory | acsplat-communication-email",
      "advisory | acsplat-token-api-app",
      "advisory | acsplat-events-sub-sms-delivery",
    ]);
  });
});
