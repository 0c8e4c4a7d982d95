import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The first query on a fresh embedded database takes seconds; real servers are fast.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    setupFiles: ["./test/helpers/setup.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
