import { systemClock } from "../clock";
import { loadConfig } from "../config";
import { openDataSource } from "../db/dataSource";
import { entities } from "../features";
import { Database } from "../db/Database";
import { issueApiToken } from "../domain/auth/apiTokens";
import { Invalid } from "../errors";
import { runCli } from "./runCli";

/** `npm run token -- 手机号 用途`: issues an admin-API token acting as that person. */
runCli(async () => {
  const [mobile, ...labelWords] = process.argv.slice(2);
  if (!mobile || labelWords.length === 0) throw Invalid("用法：npm run token -- 手机号 用途（例如：npm run token -- 13900000001 县局管理员）", undefined, "usage");
  const db = new Database(await openDataSource(loadConfig(), { migrate: true, entities }));
  try {
    const { token, person } = await issueApiToken(db, systemClock, mobile, labelWords.join(" "));
    // Printed once to the operator's terminal; only its hash is stored.
    console.log(`已为 ${person.name} 签发访问令牌（请妥善保存，只显示这一次）：\n${token}\n使用方式：Authorization: Bearer ${token}`);
  } finally {
    await db.close();
  }
});
