import express from "express";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../src/db/database-unavailable.js";
import { createErrorHandler } from "../../src/http/error-handler.js";
import { silentLog } from "../helpers/test-app.js";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("telling an unreachable database from a bad query", () => {
  it.each([
    ["a refused connection", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["an administrator shutdown", withCode("terminating connection due to administrator command", "57P01")],
    ["a server still starting", withCode("the database system is starting up", "57P03")],
    ["a connection exception", withCode("connection failure", "08006")],
    ["a cut connection", new Error("Connection terminated unexpectedly")],
    ["a busy pool", Object.assign(new Error("Knex: Timeout acquiring a connection. The pool is probably full."), { name: "KnexTimeoutError" })],
    ["one wrapped in another", new Error("query failed", { cause: withCode("connect ECONNREFUSED", "ECONNREFUSED") })],
    ["every address refusing", new AggregateError([withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED")], "")],
  ])("%s is unavailability", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a syntax error", withCode('syntax error at or near "selec"', "42601")],
    ["a unique violation", withCode("duplicate key value violates unique constraint", "23505")],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
    ["not an error at all", "ECONNREFUSED"],
  ])("%s is not", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("the API answers 503 with Retry-After and the usual error shape, not 500", async () => {
    const app = express();
    app.get("/down", () => {
      throw withCode("terminating connection due to administrator command", "57P01");
    });
    app.use(createErrorHandler(silentLog));
    const server = app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/down`);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await response.json()).toEqual({ error: { code: "database_unavailable", message: expect.stringContaining("database") } });
    } finally {
      server.close();
    }
  });
});
