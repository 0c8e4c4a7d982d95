import { HttpError } from "../../http/http-error.js";

export interface WidgetColors {
  title: string;
  text: string;
  icon: string;
  background: string;
  border: string;
}

export const THEMES = {
  light: { title: "2f80ed", text: "434d58", icon: "4c71f2", background: "fffefe", border: "e4e2e2" },
  dark: { title: "58a6ff", text: "c9d1d9", icon: "79c0ff", background: "0d1117", border: "30363d" },
  high_contrast: { title: "ffff00", text: "ffffff", icon: "00ffff", background: "000000", border: "ffffff" },
  dracula: { title: "ff79c6", text: "f8f8f2", icon: "bd93f9", background: "282a36", border: "44475a" },
  solarized_light: { title: "268bd2", text: "586e75", icon: "b58900", background: "fdf6e3", border: "eee8d5" },
  solarized_dark: { title: "268bd2", text: "93a1a1", icon: "b58900", background: "002b36", border: "073642" },
  nord: { title: "88c0d0", text: "d8dee9", icon: "81a1c1", background: "2e3440", border: "3b4252" },
  gruvbox: { title: "fabd2f", text: "ebdbb2", icon: "fe8019", background: "282828", border: "3c3836" },
} satisfies Record<string, WidgetColors>;

export type ThemeName = keyof typeof THEMES;
export const THEME_NAMES = Object.keys(THEMES) as ThemeName[];
export const LAYOUTS = ["stats", "languages", "recent"] as const;
export type WidgetLayout = (typeof LAYOUTS)[number];

export interface WidgetOptions {
  layout: WidgetLayout;
  theme: ThemeName;
  colors: WidgetColors;
  hideBorder: boolean;
  customTitle: string | null;
  /** languages or recent PRs shown */
  count: number;
}

const HEX = /^(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const COLOR_PARAMS = { title_color: "title", text_color: "text", icon_color: "icon", bg_color: "background", border_color: "border" } as const;
const KNOWN = new Set(["layout", "theme", "hide_border", "custom_title", "count", ...Object.keys(COLOR_PARAMS)]);

const single = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * Query parameters to options. Anything not understood is a 400 naming the parameter (never echoing
 * its value): the card is an image, but a wrong one is better reported than silently replaced.
 */
export function parseWidgetOptions(query: Record<string, unknown>): WidgetOptions {
  for (const key of Object.keys(query)) {
    if (!KNOWN.has(key)) throw new HttpError(400, "unknown_parameter", `Unknown parameter "${key.slice(0, 40)}": use ${[...KNOWN].join(", ")}`);
    if (typeof query[key] !== "string") throw new HttpError(400, "invalid_parameter", `Give "${key}" once, as a plain value`);
  }
  const layout = single(query.layout) ?? "stats";
  if (!(LAYOUTS as readonly string[]).includes(layout)) throw new HttpError(400, "invalid_layout", `layout must be one of ${LAYOUTS.join(", ")}`);
  const theme = single(query.theme) ?? "light";
  if (!(theme in THEMES)) throw new HttpError(400, "invalid_theme", `theme must be one of ${THEME_NAMES.join(", ")}`);
  const colors: WidgetColors = { ...THEMES[theme as ThemeName] };
  for (const [param, field] of Object.entries(COLOR_PARAMS)) {
    const value = single(query[param]);
    if (value === undefined) continue;
    const hex = value.startsWith("#") ? value.slice(1) : value;
    if (!HEX.test(hex)) throw new HttpError(400, "invalid_color", `${param} must be a hex colour such as 2f80ed (3, 4, 6 or 8 digits)`);
    colors[field] = hex.toLowerCase();
  }
  const hideBorder = single(query.hide_border);
  if (hideBorder !== undefined && hideBorder !== "true" && hideBorder !== "false") throw new HttpError(400, "invalid_parameter", "hide_border must be true or false");
  const countText = single(query.count);
  if (countText !== undefined && !/^(?:[1-9]|10)$/.test(countText)) throw new HttpError(400, "invalid_parameter", "count must be a whole number from 1 to 10");
  const customTitle = single(query.custom_title);
  return {
    layout: layout as WidgetLayout,
    theme: theme as ThemeName,
    colors,
    hideBorder: hideBorder === "true",
    customTitle: customTitle && customTitle.trim() ? customTitle : null,
    count: countText ? Number(countText) : 5,
  };
}
