import type { Knex } from "knex";
import { deleteUser } from "../users/user-store.js";
import { SAMPLE_CONTRIBUTOR, SAMPLE_INSTALLATION_ID, SAMPLE_REPOSITORIES } from "./sample-catalog.js";
import { setSampleMarker } from "./sample-marker.js";

export interface SampleResetResult {
  installations: number;
  repositories: number;
  issues: number;
  deliveries: number;
  users: number;
  contributions: number;
}

const count = async (query: Knex.QueryBuilder) => Number(((await query.count({ n: "*" }).first()) as { n: string | number } | undefined)?.n ?? 0);

/**
 * Removes everything the sample created, in one transaction: the sample contributor (their
 * sessions, skills, notifications and growth go with the account), the sample repositories (their
 * issues, comments, pull requests, commits, health and feed rows cascade), the contributions and
 * merge events recorded in them, the sample's webhook deliveries and its installation. Nothing
 * outside the sample's own ids is touched. The marker says "removed", so no later start brings it back.
 */
export async function resetSampleData(knex: Knex, now: Date): Promise<SampleResetResult> {
  const repositoryIds = SAMPLE_REPOSITORIES.map((r) => r.id);
  return knex.transaction(async (trx) => {
    const sampleRepositories = () =>
      trx("repositories").where((q) => q.whereIn("id", repositoryIds).orWhere("installation_id", SAMPLE_INSTALLATION_ID));
    const ids = ((await sampleRepositories().select("id")) as Array<{ id: number | string }>).map((r) => Number(r.id));
    const issues = ids.length > 0 ? await count(trx("issues").whereIn("repository_id", ids)) : 0;

    const user: { id: number } | undefined = await trx("users").where({ github_id: SAMPLE_CONTRIBUTOR.id }).first("id");
    if (user) await deleteUser(trx, Number(user.id));
    const users = user ? 1 : 0;
    const inSample = [...new Set([...repositoryIds, ...ids])];
    // Counted from `returning`: the embedded driver does not always answer a delete with a row count.
    const removed = async (query: Knex.QueryBuilder) => ((await query.delete().returning("id")) as unknown[]).length;
    const contributions = await removed(trx("contributions").where((q) => q.whereIn("repository_id", inSample).orWhere("author_github_id", SAMPLE_CONTRIBUTOR.id)));
    await removed(trx("contribution_events").whereIn("repository_id", inSample));
    const deliveries = await removed(trx("webhook_deliveries").where((q) => q.where("installation_id", SAMPLE_INSTALLATION_ID).orWhereIn("repository_id", inSample)));
    const repositories = await removed(sampleRepositories());
    const installations = await removed(trx("installations").where({ id: SAMPLE_INSTALLATION_ID }));
    await setSampleMarker(trx, "removed", { now });
    return { installations, repositories, issues, deliveries, users, contributions };
  });
}
