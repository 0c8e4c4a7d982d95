/** Throw from a job handler when retrying cannot help: the job fails at once, without further attempts. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The queue cannot take the job right now (Redis unreachable, or the queue is closed).
 * Callers on a request path answer 503 or rely on their own sweeper instead of waiting.
 */
export class QueueUnavailableError extends Error {
  override name = "QueueUnavailableError";
  readonly status = 503;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
