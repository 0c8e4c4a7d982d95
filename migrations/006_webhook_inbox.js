// @ts-check
// The webhook inbox: every accepted delivery is written here before it is answered, so a lost
// queue or a crashed worker never loses one (a sweeper re-enqueues what stays unprocessed).

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
    // delivery_id is X-GitHub-Delivery: a redelivery hits the unique constraint and is a no-op.
    // installation_id and repository_id have no foreign keys on purpose: the inbox must accept a
    // delivery for an installation or repo it has never seen (that delivery is what creates it).
    `CREATE TABLE webhook_deliveries (
       id bigint GENERATED ALWAYS AS IDENTITY,
       delivery_id text NOT NULL,
       event text NOT NULL,
       action text,
       installation_id bigint,
       repository_id bigint,
       payload jsonb NOT NULL,
       status text NOT NULL DEFAULT 'pending',
       attempts integer NOT NULL DEFAULT 0,
       error text,
       received_at timestamptz NOT NULL DEFAULT now(),
       processed_at timestamptz,
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_webhook_deliveries PRIMARY KEY (id),
       CONSTRAINT uq_webhook_deliveries_delivery_id UNIQUE (delivery_id),
       CONSTRAINT ck_webhook_deliveries_status
         CHECK (status IN ('pending', 'processing', 'processed', 'failed', 'skipped'))
     )`,
    // The sweeper's scan (oldest pending first) and the retention job's.
    `CREATE INDEX ix_webhook_deliveries_status_received_at ON webhook_deliveries (status, received_at)`,
    `CREATE TRIGGER tg_webhook_deliveries_updated_at BEFORE UPDATE ON webhook_deliveries
       FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [`DROP TABLE webhook_deliveries`]);
}
