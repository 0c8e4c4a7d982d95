// @ts-check
// How a user reacts to the feed: thumbs on issues and the things they keep an eye on.

/** @typedef {import("knex").Knex} Knex */

/**
 * One statement per query: PGlite speaks the extended protocol, which refuses several at once.
 * @param {Knex} knex
 * @param {string[]} statements
 */
async function run(knex, statements) {
  for (const statement of statements) await knex.raw(statement);
}

/** @param {string} table */
const touchUpdatedAt = (table) =>
  `CREATE TRIGGER tg_${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`;

/** @param {Knex} knex */
export async function up(knex) {
  await run(knex, [
    // One vote per user and issue; changing one's mind updates it.
    `CREATE TABLE feedback (
       id bigint GENERATED ALWAYS AS IDENTITY,
       user_id bigint NOT NULL,
       issue_id bigint NOT NULL,
       value smallint NOT NULL,
       reason text,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_feedback PRIMARY KEY (id),
       CONSTRAINT uq_feedback_user_issue UNIQUE (user_id, issue_id),
       CONSTRAINT fk_feedback_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT fk_feedback_issue FOREIGN KEY (issue_id) REFERENCES issues (id) ON DELETE CASCADE,
       CONSTRAINT ck_feedback_value CHECK (value IN (-1, 1))
     )`,
    `CREATE INDEX ix_feedback_issue_id ON feedback (issue_id)`,
    touchUpdatedAt("feedback"),

    // A watched thing is an issue or a whole repository, exactly one of them. The unique
    // constraints ignore the NULL side, so each pair is unique only where it applies.
    `CREATE TABLE watchlist_items (
       id bigint GENERATED ALWAYS AS IDENTITY,
       user_id bigint NOT NULL,
       issue_id bigint,
       repository_id bigint,
       created_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_watchlist_items PRIMARY KEY (id),
       CONSTRAINT uq_watchlist_items_user_issue UNIQUE (user_id, issue_id),
       CONSTRAINT uq_watchlist_items_user_repository UNIQUE (user_id, repository_id),
       CONSTRAINT fk_watchlist_items_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
       CONSTRAINT fk_watchlist_items_issue FOREIGN KEY (issue_id) REFERENCES issues (id) ON DELETE CASCADE,
       CONSTRAINT fk_watchlist_items_repository FOREIGN KEY (repository_id)
         REFERENCES repositories (id) ON DELETE CASCADE,
       CONSTRAINT ck_watchlist_items_target CHECK (num_nonnulls(issue_id, repository_id) = 1)
     )`,
    // From an issue or repo that changed to the users watching it.
    `CREATE INDEX ix_watchlist_items_issue_id ON watchlist_items (issue_id) WHERE issue_id IS NOT NULL`,
    `CREATE INDEX ix_watchlist_items_repository_id ON watchlist_items (repository_id) WHERE repository_id IS NOT NULL`,
  ]);
}

/** @param {Knex} knex */
export async function down(knex) {
  await run(knex, [`DROP TABLE watchlist_items`, `DROP TABLE feedback`]);
}
