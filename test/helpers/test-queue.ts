import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { Queue as BullQueue } from "bullmq";
import { pino, type Logger } from "pino";
import { createBullQueue } from "../../src/queue/create-bull-queue.js";
import { createMemoryQueue } from "../../src/queue/create-memory-queue.js";
import { createLanedQueue } from "../../src/queue/create-laned-queue.js";
import type { Lane, Queue } from "../../src/queue/types.js";

export type QueueDriver = Queue["driver"];

export interface TestQueueOptions {
  log?: Logger;
  defaultAttempts?: number;
  closeTimeoutMs?: number;
}

const environmentDriver = (): QueueDriver => (process.env.REDIS_URL ? "bullmq" : "memory");

/** The driver the environment asks for: BullMQ when `REDIS_URL` is set, in-process otherwise. */
export function createTestQueue(log?: Logger): Queue {
  return createTestQueueWith(environmentDriver(), { log });
}

/** One test queue per lane, on one driver (the environment's by default). */
export function createTestLanes(driver = environmentDriver(), options: TestQueueOptions = {}): Record<Lane, Queue> {
  return { default: createTestQueueWith(driver, options), requested: createTestQueueWith(driver, options), background: createTestQueueWith(driver, options) };
}

/** The product's queue (`createQueue`): one lane each for deliveries, requested and background work. */
export function createTestLanedQueue(log?: Logger): Queue {
  return createLanedQueue(createTestLanes(environmentDriver(), { log }));
}

/**
 * A queue on an explicit driver. BullMQ queues get a prefix and name of their own, so test
 * files running in parallel never see each other's jobs, and leave no keys behind on close.
 */
export function createTestQueueWith(driver: QueueDriver, options: TestQueueOptions = {}): Queue {
  const log = options.log ?? pino({ level: "silent" });
  const { defaultAttempts, closeTimeoutMs } = options;
  if (driver === "memory") return createMemoryQueue({ log, defaultAttempts, closeTimeoutMs });

  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error("the bullmq test queue needs REDIS_URL");
  const unique = randomUUID().slice(0, 8);
  const prefix = `test-${unique}`;
  const queueName = `jobs-${unique}`;
  const queue = createBullQueue({ redisUrl, prefix, queueName, log, defaultAttempts, closeTimeoutMs });
  let closing: Promise<void> | undefined;
  return {
    ...queue,
    close: () => (closing ??= queue.close().then(() => removeQueueKeys(redisUrl, prefix, queueName))),
  };
}

/** Obliterate the queue, then sweep its prefix: scheduler and event keys may outlive obliterate. */
export async function removeQueueKeys(redisUrl: string, prefix: string, queueName: string): Promise<void> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const queue = new BullQueue(queueName, { connection, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    let cursor = "0";
    do {
      const [next, keys] = await connection.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      if (keys.length > 0) await connection.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    connection.disconnect();
  }
}
