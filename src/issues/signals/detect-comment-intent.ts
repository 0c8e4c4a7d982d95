/** What a comment says about who works on an issue. */
export type CommentIntent = "claim" | "release" | null;

const THIS = String.raw`(?:this|it|that|this one|this issue|this task|the issue)`;
const I_AM = String.raw`(?:i'm|i am|im)`;
const I_WILL = String.raw`(?:i'll|i will|ill)`;

// Checked first: "I'm not working on this anymore" also contains "working on this".
const RELEASE_PATTERNS = [
  /^\/unassign\b/m,
  /\bunassign me\b/,
  new RegExp(String.raw`\b${I_AM} (?:no longer|not) (?:working on|going to work on|able to (?:work on|finish|continue|complete)|on) ${THIS}`),
  new RegExp(String.raw`\bno longer (?:working on|interested in|have (?:the )?time for|able to work on) ${THIS}`),
  new RegExp(String.raw`\b(?:i can't|i cant|i cannot|i can not|i won't|i wont|i will not) (?:work on|continue(?: with| on)?|finish|complete|take) ${THIS}`),
  new RegExp(String.raw`\b(?:${I_AM}|${I_WILL}|i have to|i need to) (?:dropping|drop|releasing|release|unassigning|unassign myself from|giving up(?: on)?|give up(?: on)?|stepping (?:away|back) from|step (?:away|back) from) ${THIS}`),
  /\b(?:someone|anyone|somebody|others?) else (?:can|could|may|is free to|is welcome to|should) (?:take|pick|work on|have)\b/,
  /\bfree (?:for|to) (?:someone|anyone|somebody|others?) (?:else )?to (?:take|pick|work)\b/,
];

const CLAIM_PATTERNS = [
  /^(?:\/(?:assign|take|claim)|\.take)(?:\s+(?:me|myself))?\s*$/m,
  new RegExp(String.raw`\b(?:can|could|may|shall) i (?:please )?(?:work on|take(?: up)?|pick up|pick|grab|tackle|handle|try|attempt|have|claim|fix|solve|be assigned(?: to)?) ${THIS}`),
  new RegExp(String.raw`\b(?:please )?assign ${THIS} to me\b`),
  /\b(?:please|pls|kindly|can you|could you|can someone|could someone) assign me\b/,
  /\bassign me (?:to )?(?:this|it|that|the issue)\b/,
  new RegExp(String.raw`\b(?:i'd|i would|i want to|i wanna|i'd love to|i would love to|i'd like to|i would like to|i want to try to|let me) (?:like to )?(?:work on|take(?: up)?|pick up|tackle|handle|try|attempt|fix|solve|claim|take a (?:stab|crack|shot) at|give ${THIS} a (?:try|shot|go)) ${THIS}`),
  new RegExp(String.raw`\b${I_AM} (?:working on|taking|on|tackling|picking up|already working on|currently working on) ${THIS}`),
  new RegExp(String.raw`\b${I_WILL} (?:work on|take|pick up|tackle|handle|fix|solve) ${THIS}`),
  new RegExp(String.raw`\b${I_WILL} (?:open|send|submit|raise|create) an? (?:pr|pull request)\b`),
  new RegExp(String.raw`\b${I_AM} interested in (?:working on|taking|fixing|solving) ${THIS}`),
];

/** Quotes, code and HTML comments repeat other people's words; they say nothing about the author. */
function ownWords(body: string): string {
  return body
    .replace(/```[\s\S]*?(?:```|$)/g, " ")
    .replace(/`[^`\n]*`/g, " ")
    .replace(/<!--[\s\S]*?(?:-->|$)/g, " ")
    .split("\n")
    .filter((line) => !line.trimStart().startsWith(">"))
    .map((line) => line.trim())
    .join("\n")
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .toLowerCase()
    .replace(/[ \t]+/g, " ")
    // Claims are short; a wall of text is scanned only where a claim would be.
    .slice(0, 2_000);
}

/**
 * Whether a comment claims the issue ("can I work on this?", "/assign", "I'm on it") or releases
 * it ("I'm not working on this anymore", "/unassign"). The rules are in docs/index-and-health.md.
 */
export function detectCommentIntent(body: string): CommentIntent {
  const text = ownWords(body);
  if (text.trim() === "") return null;
  if (RELEASE_PATTERNS.some((pattern) => pattern.test(text))) return "release";
  if (CLAIM_PATTERNS.some((pattern) => pattern.test(text))) return "claim";
  return null;
}
