// @ts-check
// What the portfolio keeps beside each contribution, and where each user's daily search stopped.

/** @typedef {import("knex").Knex} Knex */

/**
 * One statement per query: PGlite refuses several at once.
 * @param {Knex} knex
 * @param {string[]} statements
 */
async function run(knex, statements) {
  for (const statement of statements) await knex.raw(statement);
}

/** @param {Knex} knex */
export async function up(knex) {
  await run(knex, [
    // Copied at enrichment so a widget view never needs another table, let alone GitHub.
    `ALTER TABLE contributions
       ADD COLUMN repo_description text,
       ADD COLUMN repo_stars integer,
       ADD COLUMN repo_topics jsonb NOT NULL DEFAULT '[]',
       ADD CONSTRAINT ck_contributions_repo_topics CHECK (jsonb_typeof(repo_topics) = 'array')`,
    // The daily search asks GitHub only for PRs merged since searched_through.
    `CREATE TABLE portfolio_search_state (
       user_id bigint NOT NULL,
       searched_through timestamptz NOT NULL,
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_portfolio_search_state PRIMARY KEY (user_id),
       CONSTRAINT fk_portfolio_search_state_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
     )`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [
    `DROP TABLE portfolio_search_state`,
    `ALTER TABLE contributions DROP CONSTRAINT ck_contributions_repo_topics,
       DROP COLUMN repo_topics, DROP COLUMN repo_stars, DROP COLUMN repo_description`,
  ]);
}
