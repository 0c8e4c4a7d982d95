/**
 * What guidance needs to know about an indexed issue. The issues domain owns these facts; this is
 * the narrow read guidance depends on, so it never touches the index's tables itself.
 */
export interface GuidanceIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  state: "open" | "closed";
  locked: boolean;
  authorLogin: string | null;
  commentsCount: number;
  githubUpdatedAt: Date;
  repository: GuidanceRepository;
  availability: IssueAvailability;
}

export interface GuidanceRepository {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  installationId: number | null;
  defaultBranch: string;
  description: string | null;
  isPrivate: boolean;
  /** bytes per language, as GitHub reports them; may be empty until the index fetched it */
  languages: Record<string, number>;
}

export type RepositorySummary = Pick<GuidanceRepository, "id" | "fullName" | "installationId" | "isPrivate">;

export interface IssueAvailability {
  assignees: string[];
  /** active "can I take this?" claims */
  claims: Array<{ login: string; at: Date }>;
  /** open pull requests that reference the issue */
  linkedPullRequests: number[];
}

export interface SimilarIssue {
  number: number;
  title: string;
  closedAt: Date | null;
}

/** What reading a cached deep dive needs: the issue's versioned fields and its repository. */
export interface GuidanceIssueHeader {
  id: number;
  number: number;
  title: string;
  body: string | null;
  labels: string[];
  state: "open" | "closed";
  commentsCount: number;
  repository: RepositorySummary;
}

export interface IssueSource {
  /** everything a generation reads; several queries */
  getIssueForGuidance(issueId: number): Promise<GuidanceIssue | null>;
  /** one query, for the read path */
  getIssueHeader(issueId: number): Promise<GuidanceIssueHeader | null>;
  findIssueId(owner: string, repo: string, number: number): Promise<number | null>;
  findRepository(owner: string, repo: string): Promise<RepositorySummary | null>;
  getRepository(repositoryId: number): Promise<RepositorySummary | null>;
  listSimilarClosedIssues(issueId: number, limit: number): Promise<SimilarIssue[]>;
  /** median hours before a maintainer answers a newcomer's issue, or null with too little history */
  getNewcomerResponseHours(repositoryId: number): Promise<number | null>;
}
