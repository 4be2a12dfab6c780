import type { DataSource, EntityManager } from "typeorm";

/**
 * The database as domain services see it: the TypeORM DataSource plus one way to run a
 * transaction. Every change and the messages it causes are written in one transaction.
 */
export class Database {
  /** SQLite has one connection: transactions must take turns rather than nest by accident. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataSource: DataSource) {}

  get dialect(): "sqlite" | "mysql" {
    return this.dataSource.options.type === "better-sqlite3" ? "sqlite" : "mysql";
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Runs `work` in one transaction; everything it writes commits together or not at all. */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect === "mysql") return this.dataSource.transaction(work);
    const run = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * One short write outside any transaction of the caller's. On MySQL it runs on the pool as is;
   * on SQLite it takes its turn in the transaction queue, because the single connection would
   * otherwise slip it into whatever transaction another caller has open (and roll it back with it).
   */
  write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dialect === "mysql" ? work(this.manager) : this.transaction(work);
  }

  /** Throws when the database cannot answer. */
  async ping(): Promise<void> {
    await this.dataSource.query("SELECT 1");
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
