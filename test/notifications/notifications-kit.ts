import { randomInt } from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { Db } from "../../src/db/types.js";
import type { NotificationsDomain } from "../../src/notifications/create-notifications-domain.js";
import { signAccessToken } from "../../src/users/session/access-token.js";
import { csrfTokenFor, CSRF_HEADER } from "../../src/users/session/csrf.js";
import { createSessionFamily } from "../../src/users/session/refresh-tokens.js";
import { cookieNames } from "../../src/users/session/session-cookies.js";
import { deriveSessionKeys } from "../../src/users/session/session-keys.js";
import type { TestApp } from "../helpers/test-app.js";

export interface ReceivedEmail {
  to: string[];
  headers: Record<string, string>;
  subject: string;
  /** the whole message, quoted-printable decoded, for searching */
  content: string;
  unsubscribeLinks: string[];
}

const decodeQuotedPrintable = (raw: string) =>
  raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function parse(raw: string, to: string[]): ReceivedEmail {
  const [head = "", ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const content = decodeQuotedPrintable(rest.join("\n\n"));
  const links = [...new Set(content.match(/https?:\/\/[^\s"<>]+\/notifications\/unsubscribe\?token=[A-Za-z0-9._-]+/g) ?? [])];
  return { to, headers, subject: headers.subject ?? "", content, unsubscribeLinks: links };
}

/** A real SMTP server in this process that keeps what it receives. */
export async function startSmtpServer(): Promise<{ url: string; received: ReceivedEmail[]; close(): Promise<void> }> {
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push(parse(Buffer.concat(chunks).toString("utf8"), session.envelope.rcptTo.map((r) => r.address)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export function notificationsOf(app: TestApp): NotificationsDomain {
  const domain = app.illuminate.domains.find((d) => d.name === "notifications");
  if (!domain) throw new Error("the notifications domain is not wired into createDomains");
  return domain as NotificationsDomain;
}

/** A test clock the app reads through `deps.now`. */
export const testClock = { now: new Date("2026-11-29T10:00:00Z") };

export async function setEmail(db: Db, userId: number, email: string): Promise<void> {
  await db.knex("users").where({ id: userId }).update({ email });
}

export interface TestUser {
  userId: number;
  login: string;
}

/** A user as sign-in leaves them (with an email address from their GitHub profile). */
export async function createUser(db: Db, email: string | null = null): Promise<TestUser> {
  const id = randomInt(10_000_000, 2_000_000_000);
  const login = `reader${id}`;
  await db.knex.raw(`insert into users (id, github_id, login, email) overriding system value values (?, ?, ?, ?)`, [id, id, login, email]);
  await db.knex("user_preferences").insert({ user_id: id });
  return { userId: id, login };
}

/** Request headers of a real session for the user, valid at `now` on the app's clock. */
export async function sessionHeaders(app: TestApp, db: Db, user: TestUser, now: Date): Promise<Record<string, string>> {
  const { familyId } = await createSessionFamily(db.knex, user.userId, {}, now);
  const config = app.illuminate.config;
  const keys = deriveSessionKeys(config.sessionSecret);
  const token = await signAccessToken(keys.accessToken, config.publicUrl, { userId: user.userId, login: user.login, sessionId: familyId }, now);
  return { cookie: `${cookieNames(false).access}=${token}`, [CSRF_HEADER]: csrfTokenFor(keys.csrf, familyId), "content-type": "application/json" };
}

export async function api<T = Record<string, unknown>>(
  app: TestApp,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${app.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
