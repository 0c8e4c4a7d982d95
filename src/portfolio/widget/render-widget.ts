import type { PortfolioStats } from "../compute-stats.js";
import { clampText, escapeXml, text } from "./escape-xml.js";
import type { WidgetColors, WidgetOptions } from "./widget-themes.js";

export interface WidgetData {
  login: string;
  name: string | null;
  stats: PortfolioStats;
  recent: Array<{ title: string; repoFullName: string; mergedAt: Date }>;
}

const WIDTH = 495;
const LANGUAGE_COLORS = ["#3178c6", "#f1e05a", "#3572a5", "#00add8", "#dea584", "#b07219", "#e34c26", "#563d7c", "#89e051", "#701516"];

const number = (n: number) => (n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n));

/** Only our own validated hex colours ever reach the style sheet, so it cannot carry anything else. */
function frame(colors: WidgetColors, options: { height: number; hideBorder: boolean; title: string; label: string }, body: string): string {
  const c = (hex: string) => `#${hex}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${options.height}" viewBox="0 0 ${WIDTH} ${options.height}" role="img" aria-label="${options.label}">`,
    `<title>${options.label}</title>`,
    `<style>`,
    `.t{font:600 18px 'Segoe UI',Ubuntu,'Helvetica Neue',sans-serif;fill:${c(colors.title)}}`,
    `.s{font:400 14px 'Segoe UI',Ubuntu,'Helvetica Neue',sans-serif;fill:${c(colors.text)}}`,
    `.b{font:700 14px 'Segoe UI',Ubuntu,'Helvetica Neue',sans-serif;fill:${c(colors.text)}}`,
    `.m{font:400 12px 'Segoe UI',Ubuntu,'Helvetica Neue',sans-serif;fill:${c(colors.text)};opacity:.75}`,
    `.i{fill:${c(colors.icon)}}`,
    `</style>`,
    `<rect x="0.5" y="0.5" rx="4.5" width="${WIDTH - 1}" height="${options.height - 1}" fill="${c(colors.background)}" stroke="${c(colors.border)}" stroke-opacity="${options.hideBorder ? 0 : 1}"/>`,
    `<text x="25" y="35" class="t">${options.title}</text>`,
    body,
    `</svg>`,
  ].join("\n");
}

function owner(data: WidgetData): string {
  return data.name && data.name.trim() ? data.name : data.login;
}

function statsBody(data: WidgetData): { body: string; height: number } {
  const { totals, streaks } = data.stats;
  const rows: Array<[string, string]> = [
    ["Merged pull requests", number(totals.pullRequests)],
    ["Repositories contributed to", number(totals.repositories)],
    ["Lines changed", `+${number(totals.additions)} / −${number(totals.deletions)}`],
    ["Current streak", `${streaks.currentWeeks} week${streaks.currentWeeks === 1 ? "" : "s"}`],
    ["Longest streak", `${streaks.longestWeeks} week${streaks.longestWeeks === 1 ? "" : "s"}`],
  ];
  const body = rows
    .map(([label, value], i) => {
      const y = 70 + i * 26;
      return `<circle cx="31" cy="${y - 5}" r="4" class="i"/><text x="45" y="${y}" class="s">${escapeXml(label)}:</text><text x="300" y="${y}" class="b">${escapeXml(value)}</text>`;
    })
    .join("\n");
  return { body, height: 70 + rows.length * 26 };
}

function languagesBody(data: WidgetData, count: number): { body: string; height: number } {
  const languages = data.stats.languages.slice(0, count);
  if (languages.length === 0) return { body: `<text x="25" y="70" class="s">No languages yet</text>`, height: 95 };
  let x = 25;
  const barWidth = WIDTH - 50;
  const bar = languages
    .map((l, i) => {
      const w = Math.max(2, Math.round(l.share * barWidth * 100) / 100);
      const part = `<rect x="${x.toFixed(2)}" y="55" width="${w}" height="8" fill="${LANGUAGE_COLORS[i % LANGUAGE_COLORS.length]}"/>`;
      x += w;
      return part;
    })
    .join("");
  const legend = languages
    .map((l, i) => {
      const col = i % 2;
      const row = Math.floor(i / 2);
      const lx = 25 + col * 225;
      const ly = 90 + row * 24;
      return `<circle cx="${lx + 5}" cy="${ly - 4}" r="5" fill="${LANGUAGE_COLORS[i % LANGUAGE_COLORS.length]}"/><text x="${lx + 16}" y="${ly}" class="s">${text(l.language, 22)} ${(l.share * 100).toFixed(1)}%</text>`;
    })
    .join("\n");
  return { body: `<g>${bar}</g>\n${legend}`, height: 90 + Math.ceil(languages.length / 2) * 24 };
}

function recentBody(data: WidgetData, count: number): { body: string; height: number } {
  const recent = data.recent.slice(0, count);
  if (recent.length === 0) return { body: `<text x="25" y="70" class="s">No merged pull requests yet</text>`, height: 95 };
  const body = recent
    .map((c, i) => {
      const y = 68 + i * 42;
      return `<text x="25" y="${y}" class="b">${text(c.title, 52)}</text><text x="25" y="${y + 18}" class="m">${text(c.repoFullName, 48)} · ${c.mergedAt.toISOString().slice(0, 10)}</text>`;
    })
    .join("\n");
  return { body, height: 68 + recent.length * 42 };
}

/** A card from data already in our database; every string from a user or GitHub is clamped and escaped. */
export function renderWidget(data: WidgetData, options: WidgetOptions): string {
  const who = owner(data);
  const defaults = { stats: `${who}'s contributions`, languages: "Languages contributed", recent: "Recently merged" } as const;
  const custom = options.customTitle ? clampText(options.customTitle, 40) : "";
  const title = custom ? escapeXml(custom) : text(defaults[options.layout], 40);
  const part = options.layout === "stats" ? statsBody(data) : options.layout === "languages" ? languagesBody(data, options.count) : recentBody(data, options.count);
  return frame(options.colors, { height: part.height, hideBorder: options.hideBorder, title, label: text(`${defaults[options.layout]} (${who})`, 80) }, part.body);
}

/** A card saying why there is nothing to show (unknown user, private portfolio, bad parameter). */
export function renderErrorCard(message: string, colors: WidgetColors): string {
  return frame(colors, { height: 90, hideBorder: false, title: "Illuminate", label: text(message, 80) }, `<text x="25" y="65" class="s">${text(message, 60)}</text>`);
}
