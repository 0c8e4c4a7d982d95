/**
 * A sliding-window budget: at most `perWindow` calls in any `windowMs`. GitHub's search API allows
 * 30 requests a minute per user; going over earns a secondary rate limit, so we wait instead.
 */
export interface RateBudget {
  /** Resolves when one more call fits the budget, and counts it. */
  take(): Promise<void>;
  /** GitHub said the budget is spent (x-ratelimit-remaining: 0): nothing goes out before `until`. */
  pauseUntil(until: Date): void;
}

export function createRateBudget(options: {
  perWindow: number;
  windowMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): RateBudget {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const stamps: number[] = [];
  let pausedUntil = 0;
  // Callers queue behind each other so two jobs in one process share the budget fairly.
  let tail: Promise<void> = Promise.resolve();

  async function acquire(): Promise<void> {
    for (;;) {
      const t = now();
      while (stamps.length > 0 && stamps[0]! <= t - options.windowMs) stamps.shift();
      const wait = Math.max(pausedUntil - t, stamps.length >= options.perWindow ? stamps[0]! + options.windowMs - t : 0);
      if (wait <= 0) break;
      await sleep(wait);
    }
    stamps.push(now());
  }

  return {
    take() {
      const turn = tail.then(acquire);
      tail = turn.catch(() => undefined);
      return turn;
    },
    pauseUntil(until) {
      pausedUntil = Math.max(pausedUntil, until.getTime());
    },
  };
}
