import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

// Schema-builder only (no raw SQL), so the same migration runs on SQLite and MySQL/MariaDB.
const datetime = (name: string, nullable = false) => ({ name, type: "datetime", precision: 3, isNullable: nullable });

/** The categories a public tip is filed under; administrators edit them, these are the first ones. */
export const DEFAULT_TIP_CATEGORIES = [
  { code: "illegal_operation", name: "非法违法生产经营", hint: "无证生产、超范围经营、停产整顿期间偷偷生产等", sortOrder: 10 },
  { code: "major_hazard", name: "重大事故隐患", hint: "可能造成群死群伤的隐患，如安全设施被拆除、报警装置停用", sortOrder: 20 },
  { code: "hazardous_chemicals", name: "危险化学品", hint: "违规储存、运输、使用危险化学品，非法加油点等", sortOrder: 30 },
  { code: "fire_safety", name: "消防安全", hint: "堵塞消防通道、违规动火、电动车违规充电等", sortOrder: 40 },
  { code: "construction", name: "建筑施工", hint: "高处作业无防护、脚手架不稳、有限空间违规作业等", sortOrder: 50 },
  { code: "concealed_accident", name: "瞒报谎报事故", hint: "发生事故后隐瞒不报、谎报或迟报", sortOrder: 60 },
  { code: "other", name: "其他", hint: "其他安全生产违法行为", sortOrder: 90 },
];

/**
 * Public tips (群众举报): the categories, each public tip's tracking code and hashed token with its
 * deadlines and public feedback, and the photos the public sent, stored once by content hash with
 * the location their EXIF carried (for staff only). Nothing here names the tipster.
 */
export class PublicTips1765843200000 implements MigrationInterface {
  name = "PublicTips1765843200000";

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: "tip_categories",
        columns: [
          { name: "code", type: "varchar", length: "32", isPrimary: true },
          { name: "name", type: "varchar", length: "50" },
          { name: "hint", type: "varchar", length: "200" },
          { name: "sort_order", type: "integer" },
          { name: "active", type: "boolean" },
          datetime("updated_at"),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: "public_tips",
        columns: [
          { name: "tip_id", type: "integer", isPrimary: true },
          { name: "tracking_code", type: "varchar", length: "8" },
          { name: "token_hash", type: "varchar", length: "64" },
          { name: "category_code", type: "varchar", length: "32" },
          { name: "unit_id", type: "integer", isNullable: true },
          datetime("verification_due_at"),
          datetime("feedback_due_at", true),
          { name: "nudged", type: "varchar", length: "64", isNullable: true },
          { name: "public_feedback", type: "text", isNullable: true },
          datetime("feedback_at", true),
          { name: "reward_reference", type: "varchar", length: "64", isNullable: true },
        ],
        indices: [
          new TableIndex({ name: "uq_public_tips_code", columnNames: ["tracking_code"], isUnique: true }),
          new TableIndex({ name: "idx_public_tips_verification_due", columnNames: ["verification_due_at"] }),
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ["tip_id"], referencedTableName: "tips", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" }),
          new TableForeignKey({ columnNames: ["unit_id"], referencedTableName: "org_units", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: "public_tip_photos",
        columns: [
          { name: "sha256", type: "varchar", length: "64", isPrimary: true },
          { name: "storage_key", type: "varchar", length: "128" },
          { name: "latitude", type: "double", isNullable: true },
          { name: "longitude", type: "double", isNullable: true },
          datetime("created_at"),
        ],
      }),
    );
    // A substantiated tip turned into a hazard: one row per tip, found from either side.
    await q.createTable(
      new Table({
        name: "tip_hazards",
        columns: [
          { name: "tip_id", type: "integer", isPrimary: true },
          { name: "hazard_id", type: "integer" },
          { name: "linked_by", type: "integer" },
          datetime("linked_at"),
        ],
        indices: [new TableIndex({ name: "uq_tip_hazards_hazard", columnNames: ["hazard_id"], isUnique: true })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ["tip_id"], referencedTableName: "tips", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" }),
          new TableForeignKey({ columnNames: ["hazard_id"], referencedTableName: "hazards", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" }),
          new TableForeignKey({ columnNames: ["linked_by"], referencedTableName: "people", referencedColumnNames: ["id"], onDelete: "RESTRICT", onUpdate: "RESTRICT" }),
        ],
      }),
    );
    // A plain INSERT with `?` placeholders and a UTC datetime text: SQLite and MySQL/MariaDB read it alike.
    const now = new Date().toISOString().replace("T", " ").replace("Z", "");
    for (const c of DEFAULT_TIP_CATEGORIES) {
      await q.query("INSERT INTO tip_categories (code, name, hint, sort_order, active, updated_at) VALUES (?, ?, ?, ?, ?, ?)", [c.code, c.name, c.hint, c.sortOrder, 1, now]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable("tip_hazards");
    await q.dropTable("public_tip_photos");
    await q.dropTable("public_tips");
    await q.dropTable("tip_categories");
  }
}
