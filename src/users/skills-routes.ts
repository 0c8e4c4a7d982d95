import { Router } from "express";
import type { Knex } from "knex";
import { z } from "zod";
import type { AuthMiddleware } from "./session/create-auth.js";
import { addUserSkill, editUserSkill, listUserSkills, removeUserSkill } from "./skills/user-skills-store.js";
import { getUser } from "./user-store.js";

const skillName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9.+#][a-z0-9.+#_-]{0,39}$/, "expected a skill name such as typescript, c++ or data-science (at most 40 characters)");
const level = z.number().min(0).max(1);
const comfort = z.number().int().min(1).max(5).nullable();

const addSchema = z
  .object({ skill: skillName, kind: z.enum(["language", "framework", "topic", "work_kind"]), level, label: z.string().trim().min(1).max(60).optional(), comfort: comfort.optional() })
  .strict();
const editSchema = z.object({ level, hidden: z.boolean(), comfort }).partial().strict();

/** /api/users/me/skills: the skill profile with its evidence, and the user's corrections to it. */
export function createSkillsRoutes(options: { knex: Knex; auth: AuthMiddleware }): Router {
  const { knex, auth } = options;
  const router = Router();

  router.get("/users/me/skills", auth.requireUser, async (req, res) => {
    const includeHidden = req.query.includeHidden === "true";
    const user = await getUser(knex, req.user!.id);
    res.json({ skills: await listUserSkills(knex, req.user!.id, { includeHidden }), analysis: user?.profileAnalysis ?? null });
  });

  router.post("/users/me/skills", auth.requireUser, async (req, res) => {
    res.status(201).json({ skill: await addUserSkill(knex, req.user!.id, addSchema.parse(req.body ?? {})) });
  });

  router.patch("/users/me/skills/:skill", auth.requireUser, async (req, res) => {
    const skill = skillName.parse(req.params.skill);
    res.json({ skill: await editUserSkill(knex, req.user!.id, skill, editSchema.parse(req.body ?? {})) });
  });

  router.delete("/users/me/skills/:skill", auth.requireUser, async (req, res) => {
    await removeUserSkill(knex, req.user!.id, skillName.parse(req.params.skill));
    res.status(204).end();
  });

  return router;
}
