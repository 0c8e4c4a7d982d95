interface Waiting<I, O> {
  item: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items handed in while the flushes in flight are busy wait for the next one, so
 * under load one round trip carries many, and an idle caller is flushed at once, never held back
 * by a timer. Up to `concurrency` flushes run at once (default 1), so one batch's round trips
 * overlap the next one's instead of queueing behind them.
 * `flush` gets the items in arrival order and answers one result per item, in the same order.
 * When a batch fails, each of its items is retried alone, so one bad item (say, a payload the
 * database refuses) fails by itself and never takes its neighbours down with it.
 * With `hedgeAfterMs`, a flush in flight for longer than that (a lost packet, a stalled server
 * process) no longer holds the items behind it: another flush starts beside it, up to
 * `maxConcurrency` in all.
 */
export function createGroupCommit<I, O>(
  flush: (items: I[]) => Promise<O[]>,
  options: { maxBatch?: number; concurrency?: number; hedgeAfterMs?: number; maxConcurrency?: number } = {},
): (item: I) => Promise<O> {
  const maxBatch = options.maxBatch ?? 200;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const hedgeAfterMs = options.hedgeAfterMs;
  const maxConcurrency = Math.max(concurrency, options.maxConcurrency ?? concurrency);
  const waiting: Array<Waiting<I, O>> = [];
  /** when each flush in flight started, oldest first (a Set keeps insertion order) */
  const inFlight = new Set<{ startedAt: number }>();
  let hedgeTimer: NodeJS.Timeout | undefined;

  async function flushOne(w: Waiting<I, O>): Promise<void> {
    try {
      const [result] = await flush([w.item]);
      if (result === undefined) throw new Error("group commit: no result for the item");
      w.resolve(result);
    } catch (error) {
      w.reject(error);
    }
  }

  async function flushBatch(batch: Array<Waiting<I, O>>): Promise<void> {
    try {
      const results = await flush(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else await Promise.all(batch.map((w) => flushOne(w)));
    }
  }

  /** Milliseconds until the oldest flush in flight counts as stalled (0: it does now), or null: no hedging. */
  function untilStalled(): number | null {
    if (hedgeAfterMs === undefined || inFlight.size === 0 || inFlight.size >= maxConcurrency) return null;
    const oldest = inFlight.values().next().value!;
    return Math.max(0, oldest.startedAt + hedgeAfterMs - performance.now());
  }

  function pump(): void {
    while (waiting.length > 0 && (inFlight.size < concurrency || untilStalled() === 0)) {
      const batch = waiting.splice(0, maxBatch);
      const flight = { startedAt: performance.now() };
      inFlight.add(flight);
      void flushBatch(batch).finally(() => {
        inFlight.delete(flight);
        pump();
      });
    }
    // Items are waiting on a flush that may stall: look again when it would count as stalled.
    const wait = waiting.length > 0 ? untilStalled() : null;
    if (wait !== null && hedgeTimer === undefined) {
      hedgeTimer = setTimeout(() => {
        hedgeTimer = undefined;
        pump();
      }, wait + 1);
      hedgeTimer.unref();
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}
