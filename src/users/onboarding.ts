import type { Knex } from "knex";
import { HttpError } from "../http/http-error.js";

/** The path a contributor walks, in order. Each step may only follow the one before it. */
export const ONBOARDING_STEPS = [
  "signed_in",
  "profile_analyzed",
  "preferences_set",
  "first_feed_viewed",
  "first_issue_started",
  "first_contribution",
] as const;

export type OnboardingState = (typeof ONBOARDING_STEPS)[number];

export class OnboardingTransitionError extends HttpError {
  constructor(from: OnboardingState, to: OnboardingState) {
    super(409, "onboarding_transition_not_allowed", `Onboarding cannot go from ${from} to ${to}; the next step after ${from} is ${nextOnboardingStep(from) ?? "none (finished)"}`);
  }
}

export const isOnboardingState = (value: unknown): value is OnboardingState =>
  typeof value === "string" && (ONBOARDING_STEPS as readonly string[]).includes(value);

export function nextOnboardingStep(state: OnboardingState): OnboardingState | null {
  return ONBOARDING_STEPS[ONBOARDING_STEPS.indexOf(state) + 1] ?? null;
}

/**
 * Moves the user to `to` if that is the step right after their current one. Reaching a step again
 * (or one already passed) changes nothing; skipping ahead throws OnboardingTransitionError.
 * The update is conditional on the previous step, so concurrent callers cannot skip a step either.
 */
export async function advanceOnboarding(
  knex: Knex,
  userId: number,
  to: OnboardingState,
  now: Date,
): Promise<{ state: OnboardingState; changed: boolean }> {
  const index = ONBOARDING_STEPS.indexOf(to);
  const from = ONBOARDING_STEPS[index - 1];
  if (from) {
    const changes: Record<string, unknown> = { onboarding_state: to };
    if (to === "preferences_set") changes.onboarded_at = now;
    const updated = await knex("users").where({ id: userId, onboarding_state: from }).update(changes);
    if (updated === 1) return { state: to, changed: true };
  }
  const row: { onboarding_state: OnboardingState } | undefined = await knex("users").where({ id: userId }).first("onboarding_state");
  if (!row) throw new HttpError(404, "user_not_found", "No such user");
  if (ONBOARDING_STEPS.indexOf(row.onboarding_state) >= index) return { state: row.onboarding_state, changed: false };
  throw new OnboardingTransitionError(row.onboarding_state, to);
}
