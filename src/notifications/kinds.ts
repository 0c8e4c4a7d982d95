/** What Illuminate tells a contributor about. The keys are stable: they live in settings and tokens. */
export const KINDS = ["new_match", "watched_issue", "contribution", "reflection", "deep_dive_ready"] as const;
export type Kind = (typeof KINDS)[number];

export const KIND_LABELS: Record<Kind, string> = {
  new_match: "New issues that match you",
  watched_issue: "Changes to watched issues and repositories",
  contribution: "Contributions detected",
  reflection: "Invitations to reflect",
  deep_dive_ready: "Deep dives ready",
};

export const EMAIL_MODES = ["off", "realtime", "daily", "weekly"] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];

export const isKind = (value: string): value is Kind => (KINDS as readonly string[]).includes(value);
