// The one way the pages talk to the server: same-origin JSON with the session cookie, the CSRF
// header on every change (double submit: the value of the readable anshao_csrf cookie), and the
// server's `{ code, message }` errors turned into ApiError with the Chinese message as is.

export interface Labelled {
  code: string;
  label: string;
}
export interface Ref {
  id: number | null;
  name: string | null;
}
export interface Paging {
  page: number;
  pageSize: number;
  total: number;
}

/** Where a request went wrong (a field, or a spreadsheet's `排班!第7行:开始时间`) and why. */
export interface Problem {
  where: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Problem[] = [],
  ) {
    super(message);
  }
  /** The server has no such route yet (or says it is not built): the page shows 此功能尚未开放. */
  get notOpen(): boolean {
    return (this.status === 404 && (this.code === "route_not_found" || this.code === "not_found_route")) || this.status === 501;
  }
}

/** Called when the server says the session is gone (the router sends the person to sign-in). */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

function csrfToken(): string | null {
  const m = /(?:^|;\s*)anshao_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1] as string) : null;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  // A form (photos) goes as multipart with the browser's own boundary; a single file (a spreadsheet to import) in a
  // multipart form under the field name `file`; anything else as JSON.
  const form = typeof FormData !== "undefined" && body instanceof FormData;
  const file = !form && body instanceof Blob ? body : null;
  if (body !== undefined && !form && !file) headers["content-type"] = "application/json";
  if (method !== "GET") {
    const token = csrfToken();
    if (token) headers["x-csrf-token"] = token;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : form ? (body as FormData) : file ? formOf(file) : JSON.stringify(body), credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network", "无法连接服务器，请检查网络后重试");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: { data?: unknown; code?: string; message?: string; details?: Problem[] | { problems?: Problem[] } } = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = {};
  }
  if (res.ok) return json as T;
  // A 400's field problems, or a check that lists what is wrong (a spreadsheet's rows), come as `details.problems`.
  const details = Array.isArray(json.details) ? json.details : (json.details?.problems ?? []);
  const err = new ApiError(res.status, json.code ?? `http_${res.status}`, json.message ?? `服务器返回错误（${res.status}）`, details);
  // A stale CSRF cookie (another tab signed in again): read the session once more and retry once.
  if (err.code === "csrf_failed" && !retried) {
    await fetch("/api/auth/me", { credentials: "same-origin" }).catch(() => undefined);
    return request<T>(method, path, body, true);
  }
  if (err.status === 401 && err.code === "unauthorized") onUnauthorized();
  throw err;
}

function formOf(file: Blob): FormData {
  const form = new FormData();
  form.append("file", file, file instanceof File ? file.name : "upload.xlsx");
  return form;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<{ data: T; paging?: Paging }>("GET", withQuery(path, query)),
  post: <T>(path: string, body: unknown = {}) => request<{ data: T }>("POST", path, body),
  put: <T>(path: string, body: unknown) => request<{ data: T }>("PUT", path, body),
  patch: <T>(path: string, body: unknown) => request<{ data: T }>("PATCH", path, body),
  postRaw: (path: string) => request<void>("POST", path, {}),
  /** A multipart form (files), with the session cookie and the CSRF header like any change. */
  postForm: <T>(path: string, form: FormData) => request<{ data: T }>("POST", path, form),
  /** Uploads one file (multipart, field `file`). */
  upload: <T>(path: string, file: Blob) => request<{ data: T }>("POST", path, file),
};

/** The message to show for any failure (an ApiError's Chinese message, or a generic one). */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) {
    const first = err.details[0];
    return first ? `${err.message}：${first.message}` : err.message;
  }
  return "操作失败，请稍后重试";
}
