/**
 * Typed errors the domain throws. Each carries a stable `code` for programs, a Chinese `message`
 * for people and the HTTP status the error middleware answers with.
 */
export class AppError extends Error {
  /** Koa shows `message` to the client only when `expose` is true. */
  readonly expose: boolean;

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
    /** Show `message` to the client even on a 5xx: a "try again later" written for people. */
    expose?: boolean,
  ) {
    super(message);
    this.name = "AppError";
    this.expose = expose ?? status < 500;
  }
}

/** One problem in one place of the input, e.g. a spreadsheet cell or a JSON field. */
export interface FieldProblem {
  /** Where: a field path, or `sheet!row:column` for spreadsheets. */
  where: string;
  message: string;
}

export const NotFound = (what: string, code = "not_found") => new AppError(code, `找不到${what}`, 404);

export const Invalid = (message: string, problems?: FieldProblem[], code = "invalid_input") =>
  new AppError(code, message, 400, problems ? { problems } : undefined);

export const Forbidden = (message = "没有权限执行此操作", code = "forbidden") => new AppError(code, message, 403);

export const Conflict = (message: string, code = "conflict") => new AppError(code, message, 409);

export const Unauthorized = (message = "请先登录", code = "unauthorized") => new AppError(code, message, 401);

export const PayloadTooLarge = (limitBytes: number) =>
  new AppError("payload_too_large", `请求内容过大，上限为 ${Math.floor(limitBytes / 1024)} KB`, 413);

export const Unavailable = (message: string, code = "unavailable") => new AppError(code, message, 503, undefined, true);
