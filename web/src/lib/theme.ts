/** The colour scheme a visitor picked; "system" follows the device's setting. */
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

/** Kept in a cookie, so the server renders the right colours on the first byte, without a script. */
export const THEME_COOKIE = "theme";

export function toTheme(value: string | null | undefined): Theme {
  return THEMES.includes(value as Theme) ? (value as Theme) : "system";
}
