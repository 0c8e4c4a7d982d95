import type { Domain, DomainContext } from "../domain.js";
import type { AuthMiddleware } from "../users/index.js";
import { createDispatcher } from "./dispatcher.js";
import { createMailer } from "./mailer.js";
import { insertNotification, type NewNotification } from "./notification-store.js";
import { createNotificationRoutes, createUnsubscribeRoutes } from "./notification-routes.js";
import { getSettings } from "./settings-store.js";
import { createNewMatchesJob, createWatchEventCollector, type MatchSource, type WatchEventSource } from "./sources.js";
import { createUnsubscribeTokens } from "./unsubscribe-token.js";

export const NOTIFICATION_JOBS = {
  dispatch: "notifications.dispatch",
  collectWatchEvents: "notifications.collect-watch-events",
  newMatches: "notifications.new-matches",
} as const;

export interface NotificationsDeps {
  users: {
    auth: AuthMiddleware;
    emailOf(userId: number): Promise<string | null>;
    userIdByGithubId(githubId: number): Promise<number | null>;
  };
  watch: WatchEventSource;
  matches: MatchSource;
  watchersOf(issueId: number): Promise<number[]>;
  issueHeader(issueId: number): Promise<{ number: number; title: string; repository: { fullName: string } } | null>;
  contribution(id: number): Promise<{ repoFullName: string; prNumber: number; title: string } | null>;
  onContributionEnriched(listener: (event: { contributionId: number; authorGithubId: number; userId: number | null }) => Promise<void>): void;
  onDeepDiveReady(listener: (event: { deepDiveId: number; issueId: number }) => Promise<void>): void;
}

export interface NotificationsDomain extends Domain {
  /** records a notification unless the user turned the kind off everywhere or already has its key */
  notify(userId: number, notification: NewNotification): Promise<boolean>;
  /** one run of the email dispatcher */
  dispatch(): Promise<{ realtime: number; digests: number }>;
  collectWatchEvents(): Promise<number>;
  checkNewMatches(): Promise<number>;
}

/**
 * What Illuminate tells contributors: events from the other domains become notifications, shown
 * in-app at once and emailed per the user's settings (real time or daily/weekly digests).
 */
export function createNotificationsDomain(context: DomainContext, deps: NotificationsDeps): NotificationsDomain {
  const { config, db, queue, now } = context;
  const log = context.log.child({ domain: "notifications" });
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.emailFrom });
  if (!mailer.enabled) log.info("email notifications are disabled: set SMTP_URL to send them (in-app notifications work without it)");
  const tokens = createUnsubscribeTokens(config.sessionSecret);

  async function notify(userId: number, notification: NewNotification): Promise<boolean> {
    const settings = await getSettings(db, userId);
    const setting = settings.kinds[notification.kind];
    if (!setting.inApp && (setting.email === "off" || !mailer.enabled)) return false;
    const added = await insertNotification(db.knex, userId, notification, { inApp: setting.inApp, at: now() });
    if (added && mailer.enabled && setting.email === "realtime") {
      await queue.add(NOTIFICATION_JOBS.dispatch, {}).catch((error: unknown) => log.warn({ err: error }, "dispatch not queued; the schedule will send it"));
    }
    return added;
  }

  const dispatch = createDispatcher({
    db,
    mailer,
    links: {
      publicUrl: config.publicUrl,
      unsubscribeUrl: (userId, kinds) => `${config.publicUrl}/notifications/unsubscribe?token=${tokens.create(userId, kinds, now())}`,
    },
    emailOf: deps.users.emailOf,
    log,
    now,
  });
  const collectWatchEvents = createWatchEventCollector({ watch: deps.watch, notify, webUrl: config.github.webUrl, now, log });
  const checkNewMatches = createNewMatchesJob({ db, matches: deps.matches, notify, log });

  deps.onContributionEnriched(async ({ contributionId, authorGithubId, userId }) => {
    const owner = userId ?? (await deps.users.userIdByGithubId(authorGithubId));
    if (owner === null) return;
    const c = await deps.contribution(contributionId);
    if (!c) return;
    const ref = `${c.repoFullName}#${c.prNumber}`;
    await notify(owner, {
      kind: "contribution",
      title: `${ref} was merged and joined your portfolio`,
      body: c.title,
      url: "/portfolio",
      data: { contributionId },
      dedupeKey: `contribution-${contributionId}`,
    });
    await notify(owner, {
      kind: "reflection",
      title: `What did ${ref} teach you?`,
      body: "Take two minutes to note what you learned, what was hard and what you would do next. Private unless you share it.",
      url: `/growth?reflect=${contributionId}`,
      data: { contributionId },
      dedupeKey: `reflection-${contributionId}`,
    });
  });

  // Deep dives are cached per issue version, not per reader, so the people told are its watchers.
  deps.onDeepDiveReady(async ({ deepDiveId, issueId }) => {
    const watchers = await deps.watchersOf(issueId);
    if (watchers.length === 0) return;
    const issue = await deps.issueHeader(issueId);
    if (!issue) return;
    for (const userId of watchers) {
      await notify(userId, {
        kind: "deep_dive_ready",
        title: `A deep dive on ${issue.repository.fullName}#${issue.number} is ready`,
        body: issue.title,
        url: `/issues/${issue.repository.fullName}/${issue.number}`,
        data: { issueId, deepDiveId },
        dedupeKey: `deep-dive-${deepDiveId}`,
      });
    }
  });

  return {
    name: "notifications",
    api: createNotificationRoutes({ db, auth: deps.users.auth, tokens, emailEnabled: mailer.enabled, now }),
    root: createUnsubscribeRoutes({ db, tokens, now }),
    webhooks(registry) {
      // After the matching domain has recorded its watch events for the same delivery.
      registry.on(["issues", "issue_comment", "pull_request"], async () => {
        await collectWatchEvents();
      });
    },
    jobs: {
      [NOTIFICATION_JOBS.dispatch]: async () => void (await dispatch()),
      [NOTIFICATION_JOBS.collectWatchEvents]: async () => void (await collectWatchEvents()),
      [NOTIFICATION_JOBS.newMatches]: async () => void (await checkNewMatches()),
    },
    schedules: [
      { id: "notifications-dispatch", job: NOTIFICATION_JOBS.dispatch, everyMs: 60_000 },
      { id: "notifications-collect-watch-events", job: NOTIFICATION_JOBS.collectWatchEvents, everyMs: 60_000 },
      { id: "notifications-new-matches", job: NOTIFICATION_JOBS.newMatches, everyMs: 3600_000, lane: "background" },
    ],
    notify,
    dispatch,
    collectWatchEvents,
    checkNewMatches,
    close: async () => mailer.close(),
  };
}
