import type { Knex } from "knex";
import { asArray, asNumber, asRecord, asString, toDate } from "../snapshots/github-values.js";

export interface InstallationSnapshot {
  id: number;
  accountId: number;
  accountLogin: string;
  accountType: string;
  targetType: string;
  repositorySelection: "all" | "selected";
  permissions: Record<string, unknown>;
  events: string[];
  suspendedAt: Date | null;
  updatedAt: Date | null;
}

export interface Installation {
  id: number;
  accountLogin: string;
  suspendedAt: Date | null;
  deletedAt: Date | null;
}

export function toInstallationSnapshot(value: unknown): InstallationSnapshot | null {
  const installation = asRecord(value);
  const account = asRecord(installation?.account);
  const id = asNumber(installation?.id);
  const accountId = asNumber(account?.id);
  const accountLogin = asString(account?.login) ?? asString(account?.slug);
  if (id === null || accountId === null || !accountLogin) return null;
  return {
    id,
    accountId,
    accountLogin,
    accountType: asString(account?.type) ?? "User",
    targetType: asString(installation?.target_type) ?? asString(account?.type) ?? "User",
    repositorySelection: installation?.repository_selection === "all" ? "all" : "selected",
    permissions: asRecord(installation?.permissions) ?? {},
    events: asArray(installation?.events).filter((e): e is string => typeof e === "string"),
    suspendedAt: toDate(installation?.suspended_at),
    updatedAt: toDate(installation?.updated_at),
  };
}

/** Creates or refreshes an installation; an older event never undoes a newer one, and nothing revives a deleted one. */
export async function upsertInstallation(trx: Knex, snapshot: InstallationSnapshot): Promise<void> {
  const columns = {
    account_id: snapshot.accountId,
    account_login: snapshot.accountLogin,
    account_type: snapshot.accountType,
    target_type: snapshot.targetType,
    repository_selection: snapshot.repositorySelection,
    permissions: JSON.stringify(snapshot.permissions),
    events: JSON.stringify(snapshot.events),
    suspended_at: snapshot.suspendedAt,
    github_updated_at: snapshot.updatedAt,
  };
  await trx("installations")
    .insert({ id: snapshot.id, ...columns })
    .onConflict("id")
    .merge(Object.keys(columns))
    .where((q) =>
      q.whereNull("installations.github_updated_at").orWhere("installations.github_updated_at", "<=", snapshot.updatedAt ?? new Date(0)),
    );
}

export async function markInstallationDeleted(trx: Knex, installationId: number, at: Date): Promise<void> {
  await trx("installations").where({ id: installationId }).whereNull("deleted_at").update({ deleted_at: at });
}

export async function getInstallation(knex: Knex, installationId: number): Promise<Installation | null> {
  const row = await knex("installations").where({ id: installationId }).first("id", "account_login", "suspended_at", "deleted_at");
  return row
    ? { id: Number(row.id), accountLogin: row.account_login, suspendedAt: row.suspended_at, deletedAt: row.deleted_at }
    : null;
}
