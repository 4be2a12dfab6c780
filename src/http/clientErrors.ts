import { type Server, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/**
 * Requests Node's HTTP parser refuses before the app sees them — a URL or headers past its 16 KB
 * limit, a malformed request line — answered like every other refusal: JSON `{ code, message }`
 * in Chinese (Node's own answer is an empty body). The connection is closed after the answer.
 */
export function answerClientErrors(server: Server): Server {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "headers_too_large", "请求地址或请求头过长"]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "request_timeout", "请求超时，请重试"]
          : [400, "bad_request", "请求格式不正确"];
    const body = JSON.stringify({ code, message });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  return server;
}
