import type { Request, Response } from "express";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * Sign-in problems happen in the middle of a browser redirect, so a person gets a short page with
 * a way back; a script asking for JSON gets the API's error shape.
 */
export function sendAuthError(req: Request, res: Response, status: number, code: string, message: string): void {
  res.status(status).setHeader("Cache-Control", "no-store");
  if (req.accepts(["html", "json"]) === "json") {
    res.json({ error: { code, message } });
    return;
  }
  res
    .setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
    .type("html")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in problem · Illuminate</title>` +
        `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}a{color:#1d4ed8}</style></head>` +
        `<body><main><h1>Sign-in did not complete</h1><p>${escapeHtml(message)}</p><p><a href="/signin">Start sign-in again</a> · <a href="/">Home</a></p></main></body></html>`,
    );
}
