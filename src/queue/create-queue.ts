import type { Logger } from "pino";
import { createBullQueue } from "./create-bull-queue.js";
import { createLanedQueue } from "./create-laned-queue.js";
import { createMemoryQueue } from "./create-memory-queue.js";
import type { Lane, Queue } from "./types.js";

export interface QueueOptions {
  /** BullMQ on this Redis when set; otherwise the in-process driver (one process only). */
  redisUrl?: string;
  log: Logger;
  prefix?: string;
  defaultAttempts?: number;
}

/** BullMQ queue names per lane; `jobs`, the default lane's, is the one queue of versions without lanes. */
export const LANE_QUEUE_NAMES: Record<Lane, string> = { default: "jobs", requested: "jobs-requested", background: "jobs-background" };

/** One queue per lane (`createLanedQueue`), on BullMQ or in process. */
export function createQueue(options: QueueOptions): Queue {
  const { redisUrl, log, prefix, defaultAttempts } = options;
  if (!redisUrl) log.info("no REDIS_URL: jobs run in this process and are lost on restart");
  const laneQueue = (lane: Lane) => {
    const laneLog = log.child({ lane });
    return redisUrl
      ? createBullQueue({ redisUrl, log: laneLog, prefix, defaultAttempts, queueName: LANE_QUEUE_NAMES[lane] })
      : createMemoryQueue({ log: laneLog, defaultAttempts });
  };
  return createLanedQueue({ default: laneQueue("default"), requested: laneQueue("requested"), background: laneQueue("background") });
}
