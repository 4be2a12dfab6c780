import { Invalid } from "../errors";

/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  /** Present for file parts; never used for anything but error messages (the bytes decide the type). */
  filename?: string;
  bytes: Buffer;
}

/** A parsed form: text fields (the first value of each name) and file parts, in order. */
export interface ParsedForm {
  fields: Record<string, string>;
  files: FormPart[];
}

const CRLF2 = Buffer.from("\r\n\r\n");

/**
 * Parses a multipart/form-data body (RFC 7578) already read with a size limit. Enough for what
 * browsers and the mini-program's `wx.uploadFile` send; a malformed body is a 400, never a crash.
 * At most `maxParts` parts are looked at, so a body of ten thousand empty parts costs nothing.
 */
export function parseMultipart(raw: Buffer, contentType: string, maxParts = 40): ParsedForm {
  const boundary = /boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  if (!boundary) throw Invalid("请求应为 multipart/form-data 表单", undefined, "multipart_invalid");
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const form: ParsedForm = { fields: {}, files: [] };
  let at = raw.indexOf(delimiter);
  if (at < 0) throw Invalid("表单内容不完整", undefined, "multipart_invalid");
  for (let count = 0; count < maxParts; count++) {
    at += delimiter.length;
    if (raw.subarray(at, at + 2).toString("latin1") === "--") return form;
    const headEnd = raw.indexOf(CRLF2, at);
    const next = raw.indexOf(delimiter, at);
    if (headEnd < 0 || next < 0 || headEnd > next) throw Invalid("表单内容不完整", undefined, "multipart_invalid");
    const head = raw.subarray(at, headEnd).toString("utf8");
    // The part's body ends with the CRLF that precedes the next delimiter.
    const bytes = raw.subarray(headEnd + 4, Math.max(headEnd + 4, next - 2));
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(head)?.[1] ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name) {
      if (filename !== undefined) form.files.push({ name, filename, bytes: Buffer.from(bytes) });
      else if (!(name in form.fields)) form.fields[name] = bytes.toString("utf8");
    }
    at = next;
  }
  throw Invalid(`表单项过多（最多 ${maxParts} 项）`, undefined, "multipart_too_many_parts");
}

/** The named file part of a multipart/form-data body, or undefined when there is none or the body is malformed. */
export function multipartFile(raw: Buffer, contentType: string, field: string): { bytes: Buffer; filename: string } | undefined {
  try {
    const part = parseMultipart(raw, contentType).files.find((f) => f.name === field);
    return part ? { bytes: part.bytes, filename: part.filename ?? "file" } : undefined;
  } catch {
    return undefined;
  }
}
