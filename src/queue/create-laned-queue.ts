import type { FailedJobInfo, JobCounts, Lane, Queue, QueueHealth, QueueOverview } from "./types.js";

export const LANES: readonly Lane[] = ["default", "requested", "background"];

const sumCounts = (counts: JobCounts[]): JobCounts =>
  counts.reduce((sum, c) => ({ waiting: sum.waiting + c.waiting, active: sum.active + c.active, delayed: sum.delayed + c.delayed, failed: sum.failed + c.failed, completed: sum.completed + c.completed }), {
    waiting: 0,
    active: 0,
    delayed: 0,
    failed: 0,
    completed: 0,
  });

const newestFirst = (a: FailedJobInfo, b: FailedJobInfo) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0);

/**
 * One queue per lane behind the single `Queue` interface. A job goes to the lane its `lane` option
 * names; each lane's worker takes only its own jobs, in its own order, so a burst of slow jobs in
 * one lane (an installation's backfills, a crawl, deep dives) never delays another lane's (webhook
 * deliveries). Handlers are registered in every lane, so a job that reached another lane — queued
 * by a version without lanes, say — still runs. Operators see one queue: the overview, health and
 * retries cover all lanes.
 */
export function createLanedQueue(lanes: Record<Lane, Queue>): Queue {
  const all = LANES.map((lane) => lanes[lane]);
  const laneOf = (lane: Lane | undefined) => lanes[lane ?? "default"];

  return {
    driver: lanes.default.driver,

    add: (name, data, options) => laneOf(options?.lane).add(name, data, options),

    register(name, handler) {
      for (const queue of all) queue.register(name, handler);
    },

    async schedule(scheduleId, jobName, options) {
      const target = laneOf(options.lane);
      // A schedule lives in one lane: registered again in another, it moves there.
      for (const queue of all) if (queue !== target) await queue.unschedule(scheduleId);
      await target.schedule(scheduleId, jobName, options);
    },

    async unschedule(scheduleId) {
      for (const queue of all) await queue.unschedule(scheduleId);
    },

    async start(options) {
      for (const queue of all) await queue.start(options);
    },

    async close() {
      await Promise.all(all.map((queue) => queue.close()));
    },

    async overview(options = {}) {
      const overviews: QueueOverview[] = await Promise.all(all.map((queue) => queue.overview(options)));
      const byName: Record<string, JobCounts> = {};
      for (const overview of overviews) {
        for (const [name, counts] of Object.entries(overview.byName)) byName[name] = byName[name] ? sumCounts([byName[name], counts]) : counts;
      }
      const recentFailed = overviews.flatMap((o) => o.recentFailed).sort(newestFirst).slice(0, options.failedLimit ?? 20);
      const perLane = Object.fromEntries(LANES.map((lane, i) => [lane, overviews[i]!.total])) as Record<Lane, JobCounts>;
      return { total: sumCounts(overviews.map((o) => o.total)), byName, recentFailed, lanes: perLane };
    },

    async retryFailed(name) {
      let moved = 0;
      for (const queue of all) moved += await queue.retryFailed(name);
      return moved;
    },

    async health() {
      const healths: QueueHealth[] = await Promise.all(all.map((queue) => queue.health()));
      const failing = healths.find((h) => !h.ok);
      if (failing) return { ok: false, driver: lanes.default.driver, error: failing.error };
      const sum = (key: "waiting" | "delayed" | "active" | "failed") => healths.reduce((total, h) => total + (h[key] ?? 0), 0);
      return { ok: true, driver: lanes.default.driver, waiting: sum("waiting"), delayed: sum("delayed"), active: sum("active"), failed: sum("failed") };
    },
  };
}
