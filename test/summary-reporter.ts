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
    const summary = `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`;
    // Written after vitest's own summary so it stands alone on the last line.
    process.stdout.write(`\n${summary}\n`);
  }
}
