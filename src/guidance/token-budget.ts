/** Roughly four characters per token for English prose and code; close enough to budget a prompt. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

export interface BudgetPart {
  /** what the omission record calls it */
  name: string;
  text: string;
  /** the most this part may take, in tokens */
  maxTokens: number;
  /** cut to fit, or leave out entirely when it does not fit */
  truncatable: boolean;
}

export interface Omission {
  what: string;
  reason: string;
}

/** Cut at a line boundary where possible, and say how much was left out. */
export function truncateToTokens(text: string, tokens: number): string {
  const maxChars = tokens * 4;
  if (text.length <= maxChars) return text;
  const room = Math.max(0, maxChars - 60);
  const cut = text.lastIndexOf("\n", room);
  const end = cut > room * 0.6 ? cut : room;
  return `${text.slice(0, end)}\n[… ${text.length - end} more characters not included]`;
}

/**
 * Parts arrive in priority order; each gets what it asks for while the budget lasts. What is cut
 * or left out is recorded, so a reader (and the model) knows the context is partial.
 */
export function fitToBudget(parts: BudgetPart[], budget: number): { texts: Map<string, string>; used: number; omitted: Omission[] } {
  const texts = new Map<string, string>();
  const omitted: Omission[] = [];
  let remaining = budget;
  for (const part of parts) {
    if (!part.text) continue;
    const want = estimateTokens(part.text);
    const allowance = Math.min(part.maxTokens, remaining);
    if (want <= allowance) {
      texts.set(part.name, part.text);
      remaining -= want;
    } else if (part.truncatable && allowance >= 100) {
      const cut = truncateToTokens(part.text, allowance);
      texts.set(part.name, cut);
      remaining -= estimateTokens(cut);
      omitted.push({ what: part.name, reason: `cut to about ${allowance} of ${want} tokens` });
    } else {
      omitted.push({ what: part.name, reason: `left out: about ${want} tokens did not fit the budget` });
    }
  }
  return { texts, used: budget - remaining, omitted };
}
