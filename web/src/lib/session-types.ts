/** What the dashboard knows about the signed-in user (from GET /api/users/me). */

export type OnboardingState =
  | "signed_in"
  | "profile_analyzed"
  | "preferences_set"
  | "first_feed_viewed"
  | "first_issue_started"
  | "first_contribution";

export interface SessionUser {
  id: number;
  login: string;
  name: string | null;
  avatarUrl: string | null;
  bio: string | null;
  publicProfile: boolean;
  onboardingState: OnboardingState;
  profileAnalysis: { status: "pending" | "running" | "done" | "failed"; analyzedAt: string | null; error: string | null };
}

export interface Preferences {
  comfortLevel: "first_contribution" | "beginner" | "intermediate" | "experienced" | null;
  difficulty: "any" | "beginner" | "intermediate" | "advanced";
  goals: { learn: string[]; workKinds: string[] };
  hoursPerWeek: number | null;
  languages: { include: string[]; exclude: string[] };
  domains: { include: string[]; exclude: string[] };
  notifications: { channels: { inApp: boolean; email: boolean }; digest: "off" | "daily" | "weekly" };
  timezone: string;
}

export interface Session {
  user: SessionUser;
  onboarding: { state: OnboardingState; next: OnboardingState | null; completed: boolean };
  preferences: Preferences;
  /** echoed back by forms that post straight to /auth (sign out) */
  csrfToken: string;
}

export interface SkillEvidence {
  repo: string;
  files?: string[];
  packages?: string[];
  share?: number;
  bytes?: number;
  topics?: string[];
  keywords?: string[];
  frameworks?: string[];
  contributed?: boolean;
}

export interface UserSkill {
  skill: string;
  kind: "language" | "framework" | "topic" | "work_kind";
  label: string;
  level: number;
  source: "inferred" | "manual";
  comfort: number | null;
  hidden: boolean;
  evidence: SkillEvidence[];
}

export interface SessionSummary {
  id: number;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}
