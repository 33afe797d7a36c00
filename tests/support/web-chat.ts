// What the web chat's browser tests read from a page: the messages it shows, and axe-core's serious violations. The
// stack they run against is examples/web-chat/local-stack.ts (shared with the bench and the screenshots).
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";

/** The messages a page shows, as [sender, text] pairs in order. */
export async function shownMessages(page: Page): Promise<Array<[string, string]>> {
  return page
    .locator(".messages li")
    .evaluateAll((items) =>
      items.map((li) => [li.querySelector(".sender")?.textContent ?? "", li.querySelector(".text")?.textContent ?? ""] as [string, string]),
    );
}

/** axe-core's serious and critical violations on the page as it is now (ids and the first node of each). */
export async function seriousAccessibilityViolations(page: Page): Promise<Array<{ id: string; impact: string; node: string }>> {
  await page.addScriptTag({ content: readFileSync(require.resolve("axe-core/axe.min.js"), "utf8") });
  return page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ html: string }> }> }> };
      }
    ).axe.run();
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, node: v.nodes[0]?.html ?? "" }));
  });
}
