import type { EntityManager } from "typeorm";
import { TipCategory } from "../../db/entities";
import { Invalid } from "../../errors";

/** A category as the public and the staff see it. */
export interface CategoryView {
  code: string;
  name: string;
  hint: string;
  sortOrder: number;
  active: boolean;
}

const view = (c: TipCategory): CategoryView => ({ code: c.code, name: c.name, hint: c.hint, sortOrder: c.sortOrder, active: c.active });

/** The categories in display order; the public sees only the active ones. */
export async function listCategories(manager: EntityManager, options: { activeOnly: boolean }): Promise<CategoryView[]> {
  const rows = await manager.find(TipCategory, { where: options.activeOnly ? { active: true } : {}, order: { sortOrder: "ASC", code: "ASC" } });
  return rows.map(view);
}

/** An active category by code, or the refusal the form shows next to the field. */
export async function activeCategory(manager: EntityManager, code: string | undefined): Promise<TipCategory> {
  const found = code ? await manager.findOne(TipCategory, { where: { code } }) : null;
  if (!found || !found.active) throw Invalid("请选择举报类别", [{ where: "category", message: "类别不存在或已停用" }], "tip_category_invalid");
  return found;
}

/** What an administrator may set on a category. */
export interface CategoryInput {
  name?: string;
  hint?: string;
  sortOrder?: number;
  active?: boolean;
}

const CODE = /^[a-z][a-z0-9_]{1,31}$/;

/** Creates or edits a category; a category is never deleted (old tips keep naming it), only deactivated. */
export async function saveCategory(manager: EntityManager, code: string, input: CategoryInput, now: Date): Promise<CategoryView> {
  if (!CODE.test(code)) throw Invalid("类别代码应为 2–32 位小写字母、数字或下划线，以字母开头", [{ where: "code", message: "格式不正确" }], "tip_category_code_invalid");
  const existing = await manager.findOne(TipCategory, { where: { code } });
  const name = input.name?.trim() ?? existing?.name;
  if (!name || [...name].length > 50) throw Invalid("请填写类别名称（不超过 50 个字）", [{ where: "name", message: "不能为空或过长" }], "tip_category_name_invalid");
  const hint = input.hint?.trim() ?? existing?.hint ?? "";
  if ([...hint].length > 200) throw Invalid("说明不能超过 200 个字", [{ where: "hint", message: "过长" }], "tip_category_hint_invalid");
  const row = manager.create(TipCategory, { code, name, hint, sortOrder: input.sortOrder ?? existing?.sortOrder ?? 100, active: input.active ?? existing?.active ?? true, updatedAt: now });
  await manager.save(row);
  return view(row);
}
