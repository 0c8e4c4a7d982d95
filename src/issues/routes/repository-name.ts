import { z } from "zod";

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** "owner/name", or a GitHub repository URL, normalised to "owner/name". */
export const repositoryFullName = z
  .string()
  .trim()
  .max(300)
  .transform((value) => value.replace(/^https?:\/\/[^/]+\//, "").replace(/\.git$/, "").replace(/\/+$/, ""))
  .refine((value) => {
    const parts = value.split("/");
    return parts.length === 2 && parts.every((part) => NAME.test(part) && part !== "." && part !== "..");
  }, "expected owner/name, e.g. octocat/hello-world");

export const ownerAndName = z.object({
  owner: z.string().regex(NAME, "not a GitHub owner name"),
  name: z.string().regex(NAME, "not a GitHub repository name"),
});
