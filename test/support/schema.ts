import type { DataSource } from "typeorm";

/** Dialect spellings of one column kind, folded so SQLite and MySQL schemas can be compared. */
const TYPE_FAMILY: Record<string, string> = { int: "integer", integer: "integer", tinyint: "boolean", boolean: "boolean" };

/** The schema as a plain, dialect-neutral description: tables, columns, keys, indices, foreign keys. */
export async function describeSchema(dataSource: DataSource) {
  const runner = dataSource.createQueryRunner();
  try {
    // Named from the entities: on MySQL an unqualified getTables() lists every database on the server.
    const tables = await runner.getTables(dataSource.entityMetadatas.map((m) => m.tableName));
    return Object.fromEntries(
      tables
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((t) => [
          t.name,
          {
            columns: t.columns.map((c) => ({
              name: c.name,
              type: TYPE_FAMILY[c.type] ?? c.type,
              length: c.length || undefined,
              nullable: c.isNullable,
              primary: c.isPrimary,
              generated: c.isGenerated,
            })),
            unique: [
              ...t.columns.filter((c) => c.isUnique).map((c) => [c.name]),
              ...t.uniques.map((u) => [...u.columnNames].sort()),
              ...t.indices.filter((i) => i.isUnique).map((i) => [...i.columnNames].sort()),
            ]
              .map((cols) => cols.join(","))
              .filter((v, i, all) => all.indexOf(v) === i)
              .sort(),
            indices: t.indices
              .filter((i) => !i.isUnique)
              .map((i) => i.columnNames.join(","))
              .sort(),
            foreignKeys: t.foreignKeys.map((f) => `${f.columnNames.join(",")}→${f.referencedTableName.replace(/^.*\./, "")}`).sort(),
          },
        ]),
    );
  } finally {
    await runner.release();
  }
}
