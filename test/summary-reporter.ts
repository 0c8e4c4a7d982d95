import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints `N passed, N failed[, N skipped]` alone on the last line, the summary CI reads.
 * A file that fails to load or whose hooks fail (its tests then show as skipped), or an unhandled
 * error, counts as a failure.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const testModule of testModules) {
      let failedInModule = 0;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed += 1;
        else if (state === "failed") failedInModule += 1;
        else skipped += 1;
      }
      failed += failedInModule;
      if (failedInModule === 0 && testModule.state() === "failed") failed += 1;
    }
    // CI runs the suite in more than one pass (the browser journeys again on the embedded
    // defaults); each pass adds its counts to this file, so the last line totals them all.
    const carryFile = process.env.ILLUMINATE_SUMMARY_FILE;
    if (carryFile) {
      const carried = existsSync(carryFile) ? readFileSync(carryFile, "utf8").trim().split(" ").map(Number) : [];
      if (carried.length === 3 && carried.every(Number.isFinite)) {
        passed += carried[0]!;
        failed += carried[1]!;
        skipped += carried[2]!;
      }
      writeFileSync(carryFile, `${passed} ${failed} ${skipped}\n`);
    }
    const summary = `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`;
    // Written after vitest's own summary so it stands alone on the last line.
    process.stdout.write(`\n${summary}\n`);
  }
}
