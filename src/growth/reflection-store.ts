import type { Knex } from "knex";

export interface Reflection {
  id: number;
  contributionId: number | null;
  learned: string | null;
  hard: string | null;
  next: string | null;
  isPublic: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface ReflectionRow {
  id: number;
  contribution_id: number | null;
  learned: string | null;
  hard: string | null;
  next: string | null;
  is_public: boolean;
  created_at: Date;
  updated_at: Date;
}

const toReflection = (r: ReflectionRow): Reflection => ({
  id: Number(r.id),
  contributionId: r.contribution_id === null ? null : Number(r.contribution_id),
  learned: r.learned,
  hard: r.hard,
  next: r.next,
  isPublic: r.is_public,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface NewReflection {
  contributionId: number | null;
  learned: string | null;
  hard: string | null;
  next: string | null;
  isPublic: boolean;
}

export async function createReflection(knex: Knex, userId: number, r: NewReflection): Promise<Reflection> {
  const [row] = (await knex("reflections")
    .insert({ user_id: userId, contribution_id: r.contributionId, learned: r.learned, hard: r.hard, next: r.next, is_public: r.isPublic })
    .returning("*")) as ReflectionRow[];
  return toReflection(row!);
}

export async function listReflections(knex: Knex, userId: number, options: { limit: number; offset?: number; publicOnly?: boolean }): Promise<{ items: Reflection[]; total: number }> {
  const base = knex("reflections").where({ user_id: userId });
  if (options.publicOnly) base.where({ is_public: true });
  const [rows, count] = await Promise.all([
    base.clone().orderBy([{ column: "created_at", order: "desc" }, { column: "id", order: "desc" }]).limit(options.limit).offset(options.offset ?? 0).select("*"),
    base.clone().count({ n: "*" }).first(),
  ]);
  return { items: (rows as ReflectionRow[]).map(toReflection), total: Number((count as { n: number | string } | undefined)?.n ?? 0) };
}

/** Null when the user has no such reflection. */
export async function setReflectionVisibility(knex: Knex, userId: number, id: number, isPublic: boolean): Promise<Reflection | null> {
  const [row] = (await knex("reflections").where({ id, user_id: userId }).update({ is_public: isPublic }).returning("*")) as ReflectionRow[];
  return row ? toReflection(row) : null;
}

export async function deleteReflection(knex: Knex, userId: number, id: number): Promise<boolean> {
  return (await knex("reflections").where({ id, user_id: userId }).delete().returning("id")).length > 0;
}
