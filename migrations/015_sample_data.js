// @ts-check
// The sample dataset's marker: whether the first-run sample is loading, loaded, or was removed
// (so a removed sample is not loaded again at the next start). One row at most.

/** @typedef {import("knex").Knex} Knex */

/** @param {Knex} knex */
export async function up(knex) {
  await knex.raw(
    `CREATE TABLE sample_data (
       id smallint NOT NULL DEFAULT 1,
       status text NOT NULL,
       issues integer NOT NULL DEFAULT 0,
       deliveries integer NOT NULL DEFAULT 0,
       error text,
       started_at timestamptz NOT NULL DEFAULT now(),
       finished_at timestamptz,
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT pk_sample_data PRIMARY KEY (id),
       CONSTRAINT ck_sample_data_single_row CHECK (id = 1),
       CONSTRAINT ck_sample_data_status CHECK (status IN ('loading', 'loaded', 'failed', 'removed'))
     )`,
  );
}

/** @param {Knex} knex */
export async function down(knex) {
  await knex.raw(`DROP TABLE sample_data`);
}
