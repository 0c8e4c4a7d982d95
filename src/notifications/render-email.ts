import { KIND_LABELS, KINDS, type Kind } from "./kinds.js";
import type { Notification } from "./notification-store.js";

export interface EmailLinks {
  publicUrl: string;
  /** the unsubscribe page for a set of kinds, or for every kind */
  unsubscribeUrl(kinds: Kind[] | "all"): string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** what the one-click List-Unsubscribe header stops: the kinds in this email */
  listUnsubscribeUrl: string;
}

const escapeHtml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

const absolute = (url: string | null, publicUrl: string) => (url ? (url.startsWith("/") ? `${publicUrl}${url}` : url) : null);

function itemText(n: Notification, publicUrl: string): string {
  const url = absolute(n.url, publicUrl);
  return [`- ${n.title}`, n.body ? `  ${n.body}` : null, url ? `  ${url}` : null].filter(Boolean).join("\n");
}

function itemHtml(n: Notification, publicUrl: string): string {
  const url = absolute(n.url, publicUrl);
  const title = url ? `<a href="${escapeHtml(url)}">${escapeHtml(n.title)}</a>` : escapeHtml(n.title);
  return `<li><strong>${title}</strong>${n.body ? `<br>${escapeHtml(n.body)}` : ""}</li>`;
}

/** Grouped by kind in a fixed order, with an unsubscribe link for each kind and one for all. */
export function renderEmail(notifications: Notification[], heading: string, links: EmailLinks, subject: string): RenderedEmail {
  const kinds = KINDS.filter((k) => notifications.some((n) => n.kind === k));
  const textParts: string[] = [heading, ""];
  const htmlParts: string[] = [`<p>${escapeHtml(heading)}</p>`];
  for (const kind of kinds) {
    const items = notifications.filter((n) => n.kind === kind);
    textParts.push(`${KIND_LABELS[kind]} (${items.length})`, ...items.map((n) => itemText(n, links.publicUrl)), "");
    htmlParts.push(`<h2>${escapeHtml(KIND_LABELS[kind])}</h2>`, `<ul>${items.map((n) => itemHtml(n, links.publicUrl)).join("")}</ul>`);
  }
  const settingsUrl = `${links.publicUrl}/notifications#settings`;
  const footerText = [
    "—",
    ...kinds.map((k) => `Stop emails about "${KIND_LABELS[k]}": ${links.unsubscribeUrl([k])}`),
    `Stop all Illuminate emails: ${links.unsubscribeUrl("all")}`,
    `Notification settings: ${settingsUrl}`,
  ];
  const footerHtml = `<hr><p>${kinds
    .map((k) => `<a href="${escapeHtml(links.unsubscribeUrl([k]))}">Stop emails about “${escapeHtml(KIND_LABELS[k])}”</a>`)
    .join(" · ")} · <a href="${escapeHtml(links.unsubscribeUrl("all"))}">Stop all Illuminate emails</a> · <a href="${escapeHtml(settingsUrl)}">Notification settings</a></p>`;
  return {
    subject,
    text: [...textParts, ...footerText].join("\n"),
    html: `<!doctype html><html><body>${htmlParts.join("")}${footerHtml}</body></html>`,
    listUnsubscribeUrl: links.unsubscribeUrl(kinds),
  };
}
