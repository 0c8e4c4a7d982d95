import type { Knex } from "knex";
import type { Logger } from "pino";
import { PermanentJobError } from "../../queue/errors.js";
import type { Queue } from "../../queue/types.js";
import { enqueueContributionDelivery } from "../issue-jobs.js";
import { getContributionEvent, listUndeliveredContributionIds, markContributionDelivered, type ContributionEvent } from "./contribution-outbox.js";

/** Must be idempotent: an event may be delivered again after a crash (upsert on githubPrId). */
export type ContributionListener = (event: ContributionEvent) => Promise<void>;

export interface ContributionDispatcher {
  /** Register at composition time, in every process. Events wait in the outbox until one exists. */
  onContributionDetected(listener: ContributionListener): void;
  /** Job handler: hands one recorded merge to every listener, then marks it delivered. */
  deliver(githubPrId: number): Promise<void>;
  /** Enqueues deliveries left behind (queue down at the time, or recorded before any listener). */
  sweep(): Promise<number>;
}

export function createContributionDispatcher(options: { knex: Knex; queue: Queue; log: Logger }): ContributionDispatcher {
  const { knex, queue, log } = options;
  const listeners: ContributionListener[] = [];
  return {
    onContributionDetected(listener) {
      listeners.push(listener);
    },
    async deliver(githubPrId) {
      const event = await getContributionEvent(knex, githubPrId);
      if (!event) throw new PermanentJobError(`no contribution event for pull request ${githubPrId}`);
      if (event.deliveredAt || listeners.length === 0) return;
      const { deliveredAt: _delivered, ...payload } = event;
      for (const listener of listeners) await listener(payload);
      await markContributionDelivered(knex, githubPrId);
    },
    async sweep() {
      if (listeners.length === 0) return 0;
      const ids = await listUndeliveredContributionIds(knex, 500);
      // Delivering is idempotent, so a second job for an event still in flight does no harm.
      const key = `sweep-${Date.now()}`;
      for (const id of ids) await enqueueContributionDelivery(queue, id, key);
      if (ids.length > 0) log.info({ count: ids.length }, "contribution deliveries re-enqueued");
      return ids.length;
    },
  };
}
