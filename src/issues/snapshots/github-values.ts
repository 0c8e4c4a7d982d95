/**
 * GitHub writes timestamps as ISO strings almost everywhere, but a push payload's repository uses
 * epoch seconds. Anything unreadable is null rather than a crash.
 */
export function toDate(value: unknown): Date | null {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value < 1e11 ? value * 1000 : value);
  if (typeof value === "string" && value !== "") {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

export const asRecord = (value: unknown): Record<string, unknown> | null =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

export const asString = (value: unknown): string | null => (typeof value === "string" ? value : null);

export const asNumber = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The author associations GitHub gives people who can triage a repository. */
const MAINTAINER_ASSOCIATIONS = new Set(["OWNER", "MEMBER", "COLLABORATOR"]);

export const isMaintainerAssociation = (association: string | null | undefined): boolean =>
  association ? MAINTAINER_ASSOCIATIONS.has(association.toUpperCase()) : false;

/** A GitHub account that is an app or bot: webhook users say `type: "Bot"`, GraphQL actors `__typename: "Bot"`. */
export function isBotAccount(user: { login?: unknown; type?: unknown; __typename?: unknown } | null | undefined): boolean {
  if (!user) return false;
  if (user.type === "Bot" || user.__typename === "Bot") return true;
  return typeof user.login === "string" && user.login.endsWith("[bot]");
}
