import { ConfigError } from "../config";
import { AppError } from "../errors";

/**
 * Runs a command-line task: known errors print their Chinese message (and details) and exit 1;
 * anything else prints its stack, since it is a bug.
 */
export function runCli(task: () => Promise<void>): void {
  task().then(
    () => process.exit(0),
    (err: unknown) => {
      if (err instanceof ConfigError || err instanceof AppError) {
        process.stderr.write(`${err.message}\n`);
        const problems = err instanceof AppError ? (err.details as { problems?: { where: string; message: string }[] })?.problems : undefined;
        for (const p of problems ?? []) process.stderr.write(`  - ${p.where}：${p.message}\n`);
      } else {
        process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      }
      process.exit(1);
    },
  );
}
