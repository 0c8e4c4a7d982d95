import type { Router } from "express";
import type { Config } from "../config.js";
import { countInstallations } from "../github/count-installations.js";
import { getIndexStats } from "../issues/get-index-stats.js";
import { loadSampleData, type LoadSampleOptions, type SampleLoaderDeps, type SampleLoadResult } from "./load-sample-data.js";
import { getSampleMarker } from "./sample-marker.js";
import { createSampleSessionRoutes } from "./sample-session-routes.js";

/** What GET /api/health says about the sample. */
export interface SampleDataStatus {
  loaded: boolean;
  loading?: boolean;
}

export interface SampleData {
  status(): Promise<SampleDataStatus>;
  /** POST /auth/sample */
  routes: Router;
  /**
   * On a first run (development, no GitHub App, nothing indexed yet, SAMPLE_DATA not off) starts
   * loading the sample in the background and returns the load (`done`), else null. A load a previous run
   * left half-done is resumed. The server keeps answering meanwhile.
   */
  autoload(options?: LoadSampleOptions): Promise<{ done: Promise<SampleLoadResult | null> } | null>;
  /** Stops a background load at its next step (it resumes at the next start). */
  close(): Promise<void>;
}

/** The sample may exist only where nobody could mistake it for real data. */
export const sampleAllowed = (config: Config) => config.env !== "production" && !config.github.appConfigured;

export function createSampleData(config: Config, deps: SampleLoaderDeps): SampleData {
  const { db, log } = deps;
  const knex = db.knex;
  const abort = new AbortController();
  let running: Promise<SampleLoadResult | null> | null = null;

  const status = async (): Promise<SampleDataStatus> => {
    const marker = await getSampleMarker(knex);
    if (marker?.status === "loading") return { loaded: false, loading: true };
    return { loaded: marker?.status === "loaded" };
  };

  const firstRun = async () => {
    if (config.sampleData === "off" || config.env !== "development" || !sampleAllowed(config)) return false;
    const marker = await getSampleMarker(knex);
    if (marker) return marker.status === "loading";
    const [installations, index] = await Promise.all([countInstallations(knex), getIndexStats(knex)]);
    return installations === 0 && index.issuesIndexed === 0;
  };

  return {
    status,
    routes: createSampleSessionRoutes({
      knex,
      publicUrl: config.publicUrl,
      sessionSecret: config.sessionSecret,
      allowed: sampleAllowed(config),
      isLoaded: async () => (await status()).loaded,
      log,
      now: deps.now,
    }),
    async autoload(options = {}) {
      if (running || !(await firstRun())) return null;
      log.info("first run without a GitHub App: loading sample data in the background (SAMPLE_DATA=off to skip)");
      running = loadSampleData(deps, { ...options, signal: abort.signal }).catch((error: unknown) => {
        if (!abort.signal.aborted) log.error({ err: error }, "sample data could not be loaded");
        return null;
      });
      return { done: running };
    },
    async close() {
      abort.abort(new Error("shutting down"));
      await running;
    },
  };
}
