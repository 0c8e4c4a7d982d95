import type { Ecosystem } from "../skill-catalog.js";

export interface Dependency {
  name: string;
  /** development-only (tests, linters, build tools): weighs less than a runtime dependency */
  dev: boolean;
  /** when it differs from the manifest's (a Gradle plugin id inside a Maven-coordinates file) */
  ecosystem?: Ecosystem;
}

export interface ParsedManifest {
  ecosystem: Ecosystem;
  dependencies: Dependency[];
}

/** The file is not what its name promises (invalid JSON, TOML or XML, wrong shape). */
export class ManifestParseError extends Error {
  override name = "ManifestParseError";
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ManifestParseError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new ManifestParseError(`${what} is not a JSON object`);
  return value;
}

/** Keys of a `{ name: version }` table, or nothing when the field is absent or not a table. */
export const tableKeys = (value: unknown): string[] => (isRecord(value) ? Object.keys(value) : []);
