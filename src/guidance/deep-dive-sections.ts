import { z } from "zod";

/** The five parts of a deep dive, in reading order. Keys are what the API, the reports and the cache use. */
export const SECTION_KEYS = ["overview", "issueContext", "approach", "questions", "redFlags"] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

export const SECTION_TITLES: Record<SectionKey, string> = {
  overview: "Project overview",
  issueContext: "Issue context",
  approach: "Suggested approach",
  questions: "Questions to ask the maintainers",
  redFlags: "Red flags",
};

export interface DeepDiveItem {
  text: string;
  /** repository paths this item points to; each one was present in the assembled context */
  files: string[];
  /** shell commands this item suggests; each one appears in the repository's own docs */
  commands: string[];
}

export interface DeepDiveSection {
  summary: string;
  items: DeepDiveItem[];
}

export type DeepDiveSections = Record<SectionKey, DeepDiveSection>;

// Limits enforced after the model answers: strict tool use cannot express string or array bounds.
export const LIMITS = { summaryChars: 1_200, itemChars: 500, items: 8, files: 6, commands: 4, pathChars: 300, commandChars: 200 };

const item = z.object({
  text: z.string().trim().min(1),
  files: z.array(z.string().trim().min(1)).default([]),
  commands: z.array(z.string().trim().min(1)).default([]),
});

const section = z.object({
  summary: z.string().trim().min(1),
  items: z.array(item).default([]),
});

/** What a model's answer must look like before grounding; anything else is malformed. */
export const sectionsSchema = z.object({
  overview: section,
  issueContext: section,
  approach: section,
  questions: section,
  redFlags: section,
});

/** Cut an already-valid answer down to the sizes the page and the bot comment are built for. */
export function clampSections(sections: DeepDiveSections): DeepDiveSections {
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);
  const out = {} as DeepDiveSections;
  for (const key of SECTION_KEYS) {
    const s = sections[key];
    out[key] = {
      summary: clip(s.summary, LIMITS.summaryChars),
      items: s.items.slice(0, LIMITS.items).map((i) => ({
        text: clip(i.text, LIMITS.itemChars),
        files: [...new Set(i.files.map((f) => f.slice(0, LIMITS.pathChars)))].slice(0, LIMITS.files),
        commands: [...new Set(i.commands.map((c) => c.slice(0, LIMITS.commandChars)))].slice(0, LIMITS.commands),
      })),
    };
  }
  return out;
}

const itemJsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["text", "files", "commands"],
  properties: {
    text: { type: "string", description: "One point, plain text, at most two sentences." },
    files: {
      type: "array",
      items: { type: "string" },
      description: "Repository paths exactly as they appear in the context (tree, docs or referenced files). Empty if none.",
    },
    commands: {
      type: "array",
      items: { type: "string" },
      description: "Shell commands copied exactly from the repository's docs in the context. Empty if none.",
    },
  },
} as const;

const sectionJsonSchema = (description: string) => ({
  type: "object",
  additionalProperties: false,
  required: ["summary", "items"],
  description,
  properties: {
    summary: { type: "string", description: "Two to four sentences." },
    items: { type: "array", items: itemJsonSchema, description: "At most eight points." },
  },
});

export const DEEP_DIVE_TOOL_NAME = "record_deep_dive";

/** The tool the model must call; its input is the deep dive. Only JSON-schema features strict tool use accepts. */
export const deepDiveTool = {
  name: DEEP_DIVE_TOOL_NAME,
  description: "Record the deep dive for the newcomer: five sections, each grounded in the context provided.",
  strict: true,
  input_schema: {
    type: "object" as const,
    additionalProperties: false,
    required: [...SECTION_KEYS],
    properties: {
      overview: sectionJsonSchema("What the project is, how it is organised, how to set it up, build and test it."),
      issueContext: sectionJsonSchema("What the issue asks, what the discussion settled, who is on it."),
      approach: sectionJsonSchema("A possible plan, step by step, with the files to read or change."),
      questions: sectionJsonSchema("Questions worth asking the maintainers before writing code."),
      redFlags: sectionJsonSchema("Signs the issue is stale, contested, bigger than it looks, or blocked."),
    },
  },
};
