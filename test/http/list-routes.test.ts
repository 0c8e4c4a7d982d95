import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/types.js";
import { listRoutes } from "../../src/http/list-routes.js";
import { silentLog, startTestApp, type TestApp } from "../helpers/test-app.js";
import { createTestDb } from "../helpers/test-db.js";
import { createTestQueue } from "../helpers/test-queue.js";

describe("listRoutes on a hand-built app", () => {
  it("joins mount prefixes, follows nested routers and lists every method", () => {
    const app = express();
    const inner = express.Router();
    inner.get("/items/:id", (_req, res) => res.end());
    inner.route("/items").get((_req, res) => res.end()).post((_req, res) => res.end());
    const outer = express.Router();
    outer.use("/v1", inner);
    outer.delete("/things/:id", (_req, res) => res.end());
    app.use("/api", outer);
    app.get("/", (_req, res) => res.end());
    app.use((_req, res) => res.end());

    expect(listRoutes(app)).toEqual([
      { method: "GET", path: "/api/v1/items/:id" },
      { method: "GET", path: "/api/v1/items" },
      { method: "POST", path: "/api/v1/items" },
      { method: "DELETE", path: "/api/things/:id" },
      { method: "GET", path: "/" },
    ]);
  });

  it("lists a router mounted at the root without a doubled slash", () => {
    const app = express();
    const router = express.Router();
    router.get("/auth/github", (_req, res) => res.end());
    app.use(router);
    expect(listRoutes(app)).toEqual([{ method: "GET", path: "/auth/github" }]);
  });
});

describe("listRoutes on a whole Illuminate", () => {
  let db: Db;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDb();
    app = await startTestApp({ db, queue: createTestQueue(silentLog) });
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it("finds the API under /api and the root routes without a prefix", () => {
    const routes = listRoutes(app.illuminate.app);
    const keys = routes.map((route) => `${route.method} ${route.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        "GET /api/health",
        "GET /api/stats",
        "GET /api/issues/:id",
        "POST /api/issues/:id/thumbs",
        "DELETE /api/users/me/sessions/:id",
        "PATCH /api/growth/reflections/:id",
        "PUT /api/notifications/preferences",
        "GET /api/repos/:owner/:repo/issues/:number/deep-dive",
        "GET /auth/github",
        "GET /install",
      ]),
    );
    for (const route of routes) {
      expect(route.path).toMatch(/^\/[^/]/);
      expect(route.path).not.toContain("//");
      expect(["GET", "POST", "PUT", "PATCH", "DELETE"]).toContain(route.method);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });
});
