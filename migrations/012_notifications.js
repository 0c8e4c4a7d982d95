// @ts-check
// Notification settings per kind, email claims on notifications, digest periods.

/** @typedef {import("knex").Knex} Knex */

/**
 * One statement per query: PGlite speaks the extended protocol, which refuses several at once.
 * @param {Knex} knex
 * @param {string[]} statements
 */
async function run(knex, statements) {
  for (const statement of statements) await knex.raw(statement);
}

/** @param {Knex} knex */
export async function up(knex) {
  await run(knex, [
    // Absent row: defaults derived from the user's general preferences. kinds maps a kind to
    // { inApp: boolean, email: "off" | "realtime" | "daily" | "weekly" }. timezone NULL follows the
    // profile's time zone.
    `CREATE TABLE notification_settings (
       user_id bigint NOT NULL,
       kinds jsonb NOT NULL DEFAULT '{}',
       match_threshold real NOT NULL DEFAULT 0.7,
       digest_hour smallint NOT NULL DEFAULT 8,
       weekly_day smallint NOT NULL DEFAULT 1,
       timezone text,
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_notification_settings PRIMARY KEY (user_id),
       CONSTRAINT fk_notification_settings_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT ck_notification_settings_kinds CHECK (jsonb_typeof(kinds) = 'object'),
       CONSTRAINT ck_notification_settings_threshold CHECK (match_threshold BETWEEN 0 AND 1),
       CONSTRAINT ck_notification_settings_digest_hour CHECK (digest_hour BETWEEN 0 AND 23),
       CONSTRAINT ck_notification_settings_weekly_day CHECK (weekly_day BETWEEN 1 AND 7)
     )`,
    `CREATE TRIGGER tg_notification_settings_updated_at BEFORE UPDATE ON notification_settings
       FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,

    // in_app false: kept only to be emailed. An email claim is a lease: a dispatcher that dies
    // mid-send lets it lapse and another sends; emailed_at is set once the server accepted it.
    `ALTER TABLE notifications
       ADD COLUMN in_app boolean NOT NULL DEFAULT true,
       ADD COLUMN email_claim text,
       ADD COLUMN email_claimed_until timestamptz`,
    `CREATE INDEX ix_notifications_user_in_app_id ON notifications (user_id, id DESC) WHERE in_app`,

    // One digest per user and period ("daily:2026-11-29", "weekly:2026-W48"): whoever inserts the
    // row sends it, so two dispatchers never send the same digest.
    `CREATE TABLE notification_digests (
       id bigint GENERATED ALWAYS AS IDENTITY,
       user_id bigint NOT NULL,
       period_key text NOT NULL,
       status text NOT NULL DEFAULT 'claimed',
       claimed_until timestamptz,
       notification_count integer NOT NULL DEFAULT 0,
       sent_at timestamptz,
       created_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_notification_digests PRIMARY KEY (id),
       CONSTRAINT uq_notification_digests_user_period UNIQUE (user_id, period_key),
       CONSTRAINT fk_notification_digests_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT ck_notification_digests_status CHECK (status IN ('claimed', 'sent', 'empty'))
     )`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [
    `DROP TABLE notification_digests`,
    `DROP INDEX ix_notifications_user_in_app_id`,
    `ALTER TABLE notifications DROP COLUMN in_app, DROP COLUMN email_claim, DROP COLUMN email_claimed_until`,
    `DROP TABLE notification_settings`,
  ]);
}
