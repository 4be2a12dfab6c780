/** One server-sent event as a test reads it: its name and its JSON data. */
export interface SseEvent<T> {
  event: string;
  data: T | null;
}

/** Reads `event:`/`data:` blocks off an SSE response body (comments such as `: ping` are skipped). */
export async function* sseEvents<T>(res: Response): AsyncGenerator<SseEvent<T>> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event) yield { event, data: data ? (JSON.parse(data) as T) : null };
    }
  }
}
