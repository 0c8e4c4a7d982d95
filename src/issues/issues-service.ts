// The issues domain's read surface for other domains (feed, guidance, portfolio). They call these,
// never the index's tables.

export { getIssue, getIssueByNumber, type Issue } from "./store/issue-store.js";
export { getRepository, getRepositoryByFullName, type Repository } from "./store/repository-store.js";
export { getIssueAvailability, isIssueTaken, listIssueSignals, type IssueAvailability, type IssueSignal } from "./signals/get-issue-availability.js";
export { getLatestHealth, type RepositoryHealth } from "./health/health-store.js";
export { listCommitCountsByDay } from "./store/commit-store.js";
export { getSyncProgress } from "./store/sync-progress-store.js";
export type { ContributionEvent } from "./contributions/contribution-outbox.js";
export type { IssuesDomain } from "./create-issues-domain.js";
