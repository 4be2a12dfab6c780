import { loadConfig } from "./src/config";
import { buildDataSourceOptions } from "./src/db/dataSource";
import { DataSource } from "typeorm";
import { entities } from "./src/features";

/** The DataSource the TypeORM CLI uses (`npx typeorm-ts-node-commonjs -d ormconfig.ts …`). */
export default new DataSource(buildDataSourceOptions(loadConfig(), entities));
