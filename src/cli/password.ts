import { createInterface } from "node:readline";
import { systemClock } from "../clock";
import { loadConfig } from "../config";
import { openDataSource } from "../db/dataSource";
import { Database } from "../db/Database";
import { setPassword } from "../domain/access/passwords";
import { entities } from "../features";
import { Invalid } from "../errors";
import { runCli } from "./runCli";

/**
 * `npm run password -- 手机号`: sets that person's console password. Asked twice on a terminal
 * without echo; piped in (`echo 密码 | npm run password -- 手机号`) it reads the first line.
 */
runCli(async () => {
  const [mobile] = process.argv.slice(2);
  if (!mobile) throw Invalid("用法：npm run password -- 手机号（随后按提示输入两次新密码）", undefined, "usage");
  const password = process.stdin.isTTY ? await askTwice() : await firstLine();
  const db = new Database(await openDataSource(loadConfig(), { migrate: true, entities }));
  try {
    const person = await setPassword(db, systemClock, mobile, password);
    console.log(`已为 ${person.name}（${person.mobile}）设置管理后台密码，可在 /admin 用手机号和该密码登录。`);
  } finally {
    await db.close();
  }
});

async function askTwice(): Promise<string> {
  const first = await askHidden("新密码（至少 8 位，不能只含数字）：");
  const second = await askHidden("再输入一次：");
  if (first !== second) throw Invalid("两次输入的密码不一致，未作修改", undefined, "password_mismatch");
  return first;
}

/** Reads a line from the terminal without showing what is typed. */
function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    process.stdout.write(prompt);
    out._writeToOutput = (s: string) => {
      if (s.includes("\n") || s.includes("\r")) process.stdout.write("\n");
    };
    rl.question("", (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}

async function firstLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line.replace(/\r$/, "");
  }
  return "";
}
