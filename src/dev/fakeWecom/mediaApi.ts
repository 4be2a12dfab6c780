import { FAKE_CODES, type FakeHandler, type FakeReply, fail, ok } from "./protocol";
import { randomId } from "./state";

/** media/upload and media/get: temporary media that live 3 days. */

const LIMITS: Record<string, number> = { image: 10 << 20, voice: 2 << 20, video: 10 << 20, file: 20 << 20 };
const LIFETIME_MS = 3 * 24 * 3600_000;

export const mediaUpload: FakeHandler = (req, state) => {
  const kind = req.query.type ?? "";
  if (!(kind in LIMITS)) return fail(40004, "invalid media type");
  const part = multipartFile(req.raw, req.contentType, "media");
  if (!part) return fail(FAKE_CODES.invalidParameter, "missing media part");
  if (part.bytes.length <= 5 || part.bytes.length > (LIMITS[kind] as number)) return fail(40006, "invalid file size");
  const mediaId = `${kind[0]}-${randomId(30)}`;
  state.media.set(mediaId, { ...part, createdAt: state.now() });
  return ok({ errmsg: "", type: kind, media_id: mediaId, created_at: String(Math.floor(state.now() / 1000)) });
};

export const mediaGet: FakeHandler = (req, state): FakeReply => {
  const media = state.media.get(req.query.media_id ?? "");
  if (!media || state.now() - media.createdAt > LIFETIME_MS) {
    // The real API answers errors as JSON with status 200 — the trap a downloader must not fall into.
    return { status: 200, headers: { "content-type": "application/json; charset=UTF-8" }, body: JSON.stringify({ errcode: 40007, errmsg: "invalid media_id" }) };
  }
  return {
    status: 200,
    headers: {
      "content-type": media.contentType,
      "content-disposition": `attachment; filename="${media.filename.replace(/[^\x20-\x7e]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(media.filename)}`,
      "cache-control": "no-cache, must-revalidate",
    },
    body: media.bytes,
  };
};

/** The named file part of a multipart/form-data body; enough of RFC 7578 for what clients send. */
export function multipartFile(raw: Buffer, contentType: string, field: string): { bytes: Buffer; contentType: string; filename: string } | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString("utf8");
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      if (name === field) {
        return {
          bytes: Buffer.from(part.subarray(headerEnd + 4)),
          contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? "application/octet-stream",
          filename: /filename="([^"]*)"/i.exec(headers)?.[1] ?? "file",
        };
      }
    }
    start = next;
  }
  return undefined;
}
