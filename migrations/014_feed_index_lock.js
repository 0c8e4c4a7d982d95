// @ts-check
// feed_index_refresh deletes an issue's rows and inserts them again. Two transactions refreshing
// the same issue at once (a webhook's signal and a skill derivation, say) would both insert after
// neither saw the other's rows, and one would fail on the primary key. Each refresh now takes a
// transaction-scoped advisory lock per issue, in id order, before touching its rows.

/** @typedef {import("knex").Knex} Knex */

const body = (lock) => `CREATE OR REPLACE FUNCTION feed_index_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
     BEGIN
       IF cardinality(ids) = 0 THEN RETURN; END IF;${
         lock
           ? `
       PERFORM pg_advisory_xact_lock(hashtextextended('feed_index:' || id::text, 0))
         FROM (SELECT DISTINCT unnest(ids) AS id ORDER BY 1) AS sorted;`
           : ""
       }
       DELETE FROM feed_index WHERE issue_id = ANY (ids);
       INSERT INTO feed_index SELECT * FROM feed_index_source WHERE issue_id = ANY (ids);
       INSERT INTO feed_skill_rank SELECT * FROM feed_skill_rank_source WHERE issue_id = ANY (ids);
     END $$`;

/** @param {Knex} knex */
export async function up(knex) {
  await knex.raw(body(true));
}

/** @param {Knex} knex */
export async function down(knex) {
  await knex.raw(body(false));
}
