// Characters XML 1.0 forbids outright (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/F),
// plus the C1 controls and bidi overrides that only serve to disguise text.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe inside an element or a double- or single-quoted attribute. */
export function escapeXml(value: string): string {
  return value.replace(FORBIDDEN, "").replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * At most `max` characters (code points, so an emoji is never cut in half), whitespace runs folded
 * to one space, with an ellipsis when cut. Clamp first, escape after: an entity is never split.
 */
export function clampText(value: string, max: number): string {
  const folded = value.replace(FORBIDDEN, "").replace(/\s+/g, " ").trim();
  const chars = Array.from(folded);
  return chars.length <= max ? folded : `${chars.slice(0, Math.max(1, max - 1)).join("").trimEnd()}…`;
}

/** Clamped then escaped: what every interpolated string goes through. */
export const text = (value: string, max: number) => escapeXml(clampText(value, max));
