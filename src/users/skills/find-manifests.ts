import { manifestParser } from "./manifests/parse-manifest.js";

export interface TreeEntry {
  path: string;
  size?: number;
}

/** The manifests worth reading in a repository tree: shallow ones first (the root, then workspaces), at most `limit`. */
export function findManifests(entries: TreeEntry[], limit: number): TreeEntry[] {
  return entries
    .filter((entry) => entry.path.split("/").length <= 4 && manifestParser(entry.path) !== null)
    .sort((a, b) => a.path.split("/").length - b.path.split("/").length || a.path.localeCompare(b.path))
    .slice(0, limit);
}
