import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { Logger } from "pino";
import type { Db } from "../db/types.js";
import { duePeriod } from "./digest-period.js";
import type { EmailMode, Kind } from "./kinds.js";
import { KINDS } from "./kinds.js";
import type { Mailer } from "./mailer.js";
import { toNotification, type Notification } from "./notification-store.js";
import { renderEmail, type EmailLinks } from "./render-email.js";
import { getSettings, type NotificationSettings } from "./settings-store.js";

/** A claimed email not sent within this long (a dispatcher died) can be claimed again. */
const LEASE_MS = 5 * 60_000;
/** Real-time email only for what is this fresh; older unread items wait for the user in-app. */
const REALTIME_WINDOW_MS = 24 * 3600_000;
const DIGEST_WINDOW_MS: Record<"daily" | "weekly", number> = { daily: 7 * 86_400_000, weekly: 14 * 86_400_000 };
const MAX_USERS_PER_RUN = 1_000;
const MAX_PER_DIGEST = 200;
const MAX_REALTIME_PER_RUN = 50;

export interface DispatcherDeps {
  db: Db;
  mailer: Mailer;
  links: { publicUrl: string; unsubscribeUrl(userId: number, kinds: Kind[] | "all"): string };
  emailOf: (userId: number) => Promise<string | null>;
  log: Logger;
  now: () => Date;
}

export interface DispatchOutcome {
  realtime: number;
  digests: number;
}

const kindsWith = (settings: NotificationSettings, mode: EmailMode) => KINDS.filter((k) => settings.kinds[k].email === mode);

/**
 * Claims pending rows for this email: unread, never emailed, not claimed by a live lease. The
 * outer conditions are checked again under the row lock, so of two concurrent dispatchers only
 * one gets each row.
 */
async function claimRows(knex: Knex, userId: number, kinds: Kind[], since: Date, now: Date, limit: number): Promise<{ claim: string; rows: Notification[] }> {
  const claim = randomUUID();
  const unclaimed = (q: Knex.QueryBuilder) => q.whereNull("email_claimed_until").orWhere("email_claimed_until", "<", now);
  const candidates = knex("notifications")
    .select("id")
    .where({ user_id: userId })
    .whereIn("kind", kinds)
    .whereNull("emailed_at")
    .whereNull("read_at")
    .where("created_at", ">", since)
    .where(unclaimed)
    .orderBy("id")
    .limit(limit)
    .forUpdate()
    .skipLocked();
  const rows: Array<Record<string, unknown>> = await knex("notifications")
    .whereIn("id", candidates)
    .whereNull("emailed_at")
    .whereNull("read_at")
    .where(unclaimed)
    .update({ email_claim: claim, email_claimed_until: new Date(now.getTime() + LEASE_MS) })
    .returning("*");
  return { claim, rows: rows.map(toNotification).sort((a, b) => a.id - b.id) };
}

const finish = (knex: Knex, claim: string, at: Date) =>
  knex("notifications").where({ email_claim: claim }).update({ emailed_at: at, email_claim: null, email_claimed_until: null });
const release = (knex: Knex, claim: string) => knex("notifications").where({ email_claim: claim }).update({ email_claim: null, email_claimed_until: null });

/**
 * The email side of delivery (in-app needs none: a row is visible as soon as it exists). Safe to
 * run twice or concurrently: every email is sent by whoever claimed its rows (and, for a digest,
 * its period), and quiet when nothing is pending.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const { knex } = deps.db;

  async function send(userId: number, to: string, rows: Notification[], claim: string, heading: string, subject: string, at: Date): Promise<boolean> {
    const links: EmailLinks = { publicUrl: deps.links.publicUrl, unsubscribeUrl: (kinds) => deps.links.unsubscribeUrl(userId, kinds) };
    const email = renderEmail(rows, heading, links, subject);
    try {
      await deps.mailer.send({
        to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        headers: { "List-Unsubscribe": `<${email.listUnsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
    } catch (error) {
      await release(knex, claim);
      deps.log.warn({ err: error, userId }, "notification email not sent; it will be tried again");
      return false;
    }
    await finish(knex, claim, at);
    return true;
  }

  async function realtime(userId: number, to: string, settings: NotificationSettings, at: Date): Promise<number> {
    const kinds = kindsWith(settings, "realtime");
    if (kinds.length === 0) return 0;
    let sent = 0;
    for (let i = 0; i < MAX_REALTIME_PER_RUN; i++) {
      const { claim, rows } = await claimRows(knex, userId, kinds, new Date(at.getTime() - REALTIME_WINDOW_MS), at, 1);
      const row = rows[0];
      if (!row) break;
      if (await send(userId, to, rows, claim, "New on Illuminate:", row.title, at)) sent++;
      else break;
    }
    return sent;
  }

  async function digest(userId: number, to: string, settings: NotificationSettings, frequency: "daily" | "weekly", at: Date): Promise<number> {
    const kinds = kindsWith(settings, frequency);
    if (kinds.length === 0) return 0;
    const period = duePeriod(frequency, at, settings);
    if (!period) return 0;
    const since = new Date(at.getTime() - DIGEST_WINDOW_MS[frequency]);
    const pending = await knex("notifications")
      .where({ user_id: userId })
      .whereIn("kind", kinds)
      .whereNull("emailed_at")
      .whereNull("read_at")
      .where("created_at", ">", since)
      .first("id");
    if (!pending) return 0;
    // Whoever inserts the period's row (or takes over one whose sender died) sends the digest.
    const lease = new Date(at.getTime() + LEASE_MS);
    const claimed = await knex.raw(
      `insert into notification_digests (user_id, period_key, status, claimed_until) values (?, ?, 'claimed', ?)
       on conflict (user_id, period_key) do update set claimed_until = excluded.claimed_until
         where notification_digests.status = 'claimed' and notification_digests.claimed_until < ?
       returning id`,
      [userId, period, lease, at],
    );
    const digestId = (claimed.rows as Array<{ id: unknown }>)[0]?.id;
    if (digestId === undefined) return 0;
    const { claim, rows } = await claimRows(knex, userId, kinds, since, at, MAX_PER_DIGEST);
    if (rows.length === 0) {
      await knex("notification_digests").where({ id: digestId }).delete();
      return 0;
    }
    const label = frequency === "daily" ? "daily" : "weekly";
    const subject = `Your ${label} Illuminate digest: ${rows.length} ${rows.length === 1 ? "update" : "updates"}`;
    if (!(await send(userId, to, rows, claim, `Here is what happened since your last ${label} digest.`, subject, at))) {
      await knex("notification_digests").where({ id: digestId }).delete();
      return 0;
    }
    await knex("notification_digests").where({ id: digestId }).update({ status: "sent", sent_at: at, notification_count: rows.length, claimed_until: null });
    return 1;
  }

  return async function dispatch(): Promise<DispatchOutcome> {
    const outcome: DispatchOutcome = { realtime: 0, digests: 0 };
    if (!deps.mailer.enabled) return outcome;
    const at = deps.now();
    const users: Array<{ user_id: unknown }> = await knex("notifications")
      .whereNull("emailed_at")
      .whereNull("read_at")
      .where("created_at", ">", new Date(at.getTime() - DIGEST_WINDOW_MS.weekly))
      .distinct("user_id")
      .limit(MAX_USERS_PER_RUN);
    for (const { user_id } of users) {
      const userId = Number(user_id);
      const settings = await getSettings(deps.db, userId);
      if (!KINDS.some((k) => settings.kinds[k].email !== "off")) continue;
      const to = await deps.emailOf(userId);
      if (!to) continue;
      outcome.realtime += await realtime(userId, to, settings, at);
      outcome.digests += await digest(userId, to, settings, "daily", at);
      outcome.digests += await digest(userId, to, settings, "weekly", at);
    }
    if (outcome.realtime + outcome.digests > 0) deps.log.info(outcome, "notification emails sent");
    return outcome;
  };
}
