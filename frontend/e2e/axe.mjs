// Accessibility check of the screen a page shows: axe-core (bundled from npm) run in the page.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Fails with each serious or critical violation (rule, impact, the first nodes) on what `page`
 * shows now; `what` names the screen in the error. With a modal dialog open only the dialog is
 * checked: the page behind it is dimmed on purpose (and was checked as its own screen).
 */
export async function checkA11y(page, what) {
  // Evaluated through the DevTools protocol: the app's CSP (script-src 'self') stays as it is.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const dialog = document.querySelector('[role="dialog"][aria-modal="true"]');
    // The code in the editor is coloured by its syntax theme (Monaco's vs / vs-dark), not by the
    // app; the rest of the editor (its input, its labels) is checked.
    const code = [".monaco-editor .view-lines", ".monaco-editor .margin-view-overlays"];
    const context = dialog ?? { exclude: code.map((c) => [c]) };
    const result = await window.axe.run(context, {
      resultTypes: ["violations"],
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
    });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(" ")} (${(n.failureSummary ?? "").replace(/\s+/g, " ")})`),
      }));
  });
  if (violations.length) {
    const lines = violations.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(", ")}`);
    throw new Error(
      `axe on ${what}: ${violations.length} serious/critical\n  ${lines.join("\n  ")}`,
    );
  }
}
