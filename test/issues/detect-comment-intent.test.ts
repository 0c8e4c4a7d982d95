import { describe, expect, it } from "vitest";
import { detectCommentIntent } from "../../src/issues/signals/detect-comment-intent.js";

describe("claim detection in comments", () => {
  it.each([
    "Can I work on this?",
    "can i work on this issue",
    "Hi! Could I take this one?",
    "May I please pick this up?",
    "I'd like to work on this.",
    "I would love to tackle this",
    "I’d like to take this", // typographic apostrophe
    "/assign",
    "/assign me",
    "/take",
    ".take",
    "Please assign this to me",
    "Can you assign me?",
    "I'm working on it",
    "I am on it!",
    "I'll work on this over the weekend",
    "I will open a PR shortly",
    "I'm interested in working on this",
    "Hey, I want to work on this. Is it still open?",
  ])("%j claims the issue", (body) => {
    expect(detectCommentIntent(body)).toBe("claim");
  });

  it.each([
    "I'm not working on this anymore",
    "Sorry, I am no longer working on this.",
    "I can't work on this any more, feel free to reassign",
    "/unassign",
    "Please unassign me",
    "I'm dropping this, life got busy",
    "Someone else can take this",
    "It's free for someone else to take",
  ])("%j releases it", (body) => {
    expect(detectCommentIntent(body)).toBe("release");
  });

  it.each([
    "Thanks for the report!",
    "I can reproduce this on Linux.",
    "I'll take a look at the logs later",
    "Is this related to #12?",
    "> Can I work on this?\n\nThe person above asked; answering: yes, go ahead",
    "```\n/assign\n```",
    "Steps: `can I work on this` is what the bot says",
    "",
    "#123 ".repeat(5000),
  ])("%j says nothing about who works on it", (body) => {
    expect(detectCommentIntent(body)).toBeNull();
  });
});
