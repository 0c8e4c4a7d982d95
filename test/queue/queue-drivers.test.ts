import { describe } from "vitest";
import { queueBehaviour } from "./queue-behaviour.js";

describe("memory queue", () => queueBehaviour("memory"));

describe.skipIf(!process.env.REDIS_URL)("bullmq queue", () => queueBehaviour("bullmq"));
