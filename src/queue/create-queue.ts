import type { Logger } from "pino";
import { createBullQueue } from "./create-bull-queue.js";
import { createMemoryQueue } from "./create-memory-queue.js";
import type { Queue } from "./types.js";

export interface QueueOptions {
  /** BullMQ on this Redis when set; otherwise the in-process driver (one process only). */
  redisUrl?: string;
  log: Logger;
  prefix?: string;
  defaultAttempts?: number;
}

export function createQueue(options: QueueOptions): Queue {
  const { redisUrl, log, prefix, defaultAttempts } = options;
  if (redisUrl) return createBullQueue({ redisUrl, log, prefix, defaultAttempts });
  log.info("no REDIS_URL: jobs run in this process and are lost on restart");
  return createMemoryQueue({ log, defaultAttempts });
}
