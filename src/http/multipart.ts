/** The named file part of a multipart/form-data body; enough of RFC 7578 for what browsers and curl send. */
export function multipartFile(raw: Buffer, contentType: string, field: string): { bytes: Buffer; filename: string } | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    // Skip the CRLF after the delimiter and the one before the next.
    const part = raw.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString("utf8");
      if (/name="([^"]*)"/i.exec(headers)?.[1] === field) return { bytes: Buffer.from(part.subarray(headerEnd + 4)), filename: /filename="([^"]*)"/i.exec(headers)?.[1] ?? "file" };
    }
    start = next;
  }
  return undefined;
}
