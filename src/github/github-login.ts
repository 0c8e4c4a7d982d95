import { HttpError } from "../http/http-error.js";

/** What GitHub accepts as a login: a letter or digit, then letters, digits and hyphens, 39 at most. */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** A login from a URL, or a 400 saying what a login looks like. */
export function githubLoginParam(value: unknown): string {
  const login = String(value);
  if (!GITHUB_LOGIN.test(login)) throw new HttpError(400, "invalid_username", "Not a GitHub username: letters, digits and single hyphens, up to 39 characters");
  return login;
}
