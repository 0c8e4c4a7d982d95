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
 */
export function createGroupCommit<I, O>(
  flush: (items: I[]) => Promise<O[]>,
  options: { maxBatch?: number; concurrency?: number } = {},
): (item: I) => Promise<O> {
  const maxBatch = options.maxBatch ?? 200;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const waiting: Array<Waiting<I, O>> = [];
  let inFlight = 0;

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

  function pump(): void {
    while (inFlight < concurrency && waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      inFlight += 1;
      void flushBatch(batch).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}
