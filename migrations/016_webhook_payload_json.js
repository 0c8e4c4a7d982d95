// @ts-check
// The inbox stores each payload as GitHub sent it: `json` (checked, kept as text), not `jsonb`.
// Nothing queries inside a stored payload, and converting every delivery to jsonb's binary form,
// then compressing it with the default pglz, was most of the database's work per acknowledged
// delivery (docs/index-and-health.md, "Receiving webhooks"). Where the server has lz4 (PostgreSQL
// built with it, 14 and later), payloads are compressed with it: several times cheaper than pglz.

/** @typedef {import("knex").Knex} Knex */

/** @param {Knex} knex */
async function hasLz4(knex) {
  const result = await knex.raw(
    `SELECT 1 AS yes FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)`,
  );
  return result.rows.length > 0;
}

/** @param {Knex} knex */
export async function up(knex) {
  await knex.raw(`ALTER TABLE webhook_deliveries ALTER COLUMN payload TYPE json USING payload::json`);
  if (await hasLz4(knex)) await knex.raw(`ALTER TABLE webhook_deliveries ALTER COLUMN payload SET COMPRESSION lz4`);
}

/** @param {Knex} knex */
export async function down(knex) {
  await knex.raw(`ALTER TABLE webhook_deliveries ALTER COLUMN payload TYPE jsonb USING payload::jsonb`);
  if (await hasLz4(knex)) await knex.raw(`ALTER TABLE webhook_deliveries ALTER COLUMN payload SET COMPRESSION default`);
}
