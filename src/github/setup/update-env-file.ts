import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

// Node's dotenv reader expands \n inside double quotes and unescapes nothing else.
const quote = (value: string) => (/[\s"'#]/.test(value) ? `"${value.replace(/\r?\n/g, "\\n")}"` : value);

/** Sets keys in a dotenv file, keeping every other line; written atomically with owner-only permissions. */
export function updateEnvFile(path: string, values: Record<string, string>): void {
  const lines = existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
  const remaining = new Map(Object.entries(values));
  const updated = lines.map((line) => {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (!key || !remaining.has(key)) return line;
    const value = remaining.get(key)!;
    remaining.delete(key);
    return `${key}=${quote(value)}`;
  });
  while (updated.length > 0 && updated[updated.length - 1] === "") updated.pop();
  for (const [key, value] of remaining) updated.push(`${key}=${quote(value)}`);
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${updated.join("\n")}\n`, { mode: 0o600 });
  renameSync(temp, path);
}
