import type { Knex } from "knex";

export interface Db {
  knex: Knex;
  /** "pg" for a PostgreSQL server, "pglite" for the embedded database */
  kind: "pg" | "pglite";
  close(): Promise<void>;
}
