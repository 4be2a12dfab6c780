/**
 * The house writes markdown as WeChat Work reads it (one line per `\n`, `<font color="warning">`).
 * DingTalk joins consecutive lines into one paragraph unless a line ends in two spaces, and colours
 * only with `#RRGGBB`; this turns the one into the other. Each converted line break costs two bytes,
 * which the digest allows for when it fits itself into the limit (ComposeOptions.lineBreakBytes).
 */

/** WeChat Work's named colours as DingTalk's hex values (the same length for `warning` and `comment`). */
const COLOURS: Record<string, string> = { warning: "#FF6600", info: "#00A870", comment: "#888888" };

export function dingtalkMarkdown(text: string): string {
  const coloured = text.replace(/<font color="(warning|info|comment)">/g, (_, name: string) => `<font color="${COLOURS[name]}">`);
  const lines = coloured.split("\n");
  return lines
    .map((line, i) => {
      const next = lines[i + 1];
      // A line followed by another plain line needs a hard break; headings, list items and blank lines break by themselves.
      const breaks = next !== undefined && line.trim() !== "" && next.trim() !== "" && !/^\s*#/.test(line) && !/^\s*([-*+]|\d+\.)\s/.test(next);
      return breaks ? `${line}  ` : line;
    })
    .join("\n");
}
