/**
 * The XML codec for WeChat Work callbacks. Bodies with a DTD are refused outright (no DOCTYPE, no
 * ENTITY: XXE and billion laughs cannot start), entities are never expanded by the parser, and every
 * value stays a string — a 19-digit MsgId turned into a number would be rounded and break dedupe.
 */

export type XmlFailure = "dtd" | "not_xml" | "no_encrypt";

export class WecomXmlError extends Error {
  constructor(readonly reason: XmlFailure) {
    super(`wecom xml refused: ${reason}`);
    this.name = "WecomXmlError";
  }
}

/** A parsed element: text, child elements by tag, or a list when a tag repeats. */
export type XmlValue = string | XmlRecord | XmlValue[];
export interface XmlRecord {
  [tag: string]: XmlValue;
}

const DTD = /<!(?:DOCTYPE|ENTITY)/i;

/** Throws when the text carries a document type or entity declaration. */
export function refuseDtd(text: string): void {
  if (DTD.test(text)) throw new WecomXmlError("dtd");
}

/**
 * The `<Encrypt>` text of the outer envelope. Only this field matters (the signature covers nothing
 * else), so it is cut out directly instead of parsing the whole body: cheaper, and there is no
 * parser surface for an unauthenticated body to reach.
 */
export function extractEncrypt(envelope: string): string {
  refuseDtd(envelope);
  const open = envelope.indexOf("<Encrypt>");
  if (open < 0 || envelope.indexOf("<Encrypt>", open + 1) >= 0) throw new WecomXmlError("no_encrypt");
  const close = envelope.indexOf("</Encrypt>", open);
  if (close < 0) throw new WecomXmlError("no_encrypt");
  let value = envelope.slice(open + "<Encrypt>".length, close).trim();
  if (value.startsWith("<![CDATA[")) {
    if (!value.endsWith("]]>")) throw new WecomXmlError("no_encrypt");
    value = value.slice("<![CDATA[".length, -"]]>".length).trim();
  }
  if (value.length === 0 || value.includes("<")) throw new WecomXmlError("no_encrypt");
  return value;
}

/**
 * Parses a decrypted message and returns the children of its `<xml>` root. The reader below is our
 * own: these documents are small and plain, and a general-purpose parser cost more CPU than the
 * decryption before it (≈ 14 µs against 6 per message).
 */
export function parseMessageXml(text: string): XmlRecord {
  refuseDtd(text);
  const root = readRootElement(text, "xml");
  if (root === undefined || typeof root !== "object" || Array.isArray(root)) throw new WecomXmlError("not_xml");
  return root;
}

/** A leaf's text, or undefined when the tag is absent or not a single text value. */
export function textOf(node: XmlValue | undefined): string | undefined {
  return typeof node === "string" ? node : undefined;
}

/** Builds a flat or nested `<xml>` document; strings go in CDATA, numbers as bare text. */
export function buildXml(fields: Record<string, string | number | Record<string, string | number>>): string {
  return `<xml>${element(fields)}</xml>`;
}

function element(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([tag, value]) => {
      const inner = typeof value === "number" ? String(value) : typeof value === "string" ? cdata(value) : element(value as Record<string, unknown>);
      return `<${tag}>${inner}</${tag}>`;
    })
    .join("");
}

/** A CDATA section that survives a `]]>` inside the text. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
}

/*
 * The reader: elements, text, CDATA; comments and processing instructions (the `<?xml …?>`
 * declaration) are skipped, attributes are skipped unread, and anything else — a DTD, a stray `<!`,
 * a tag left open or closed by another name, text around the root — is "not_xml". An element with
 * child elements becomes a record (a repeated tag a list, text between children dropped); a leaf
 * becomes its text (each run between CDATA sections trimmed, as general parsers do), with only XML's predefined and numeric entities decoded, followed by its
 * CDATA exactly as written.
 */

const NAME = /[A-Za-z_][\w.:-]*/y;
const SPACE = /[ \t\r\n]*/y;
/** Deeper than any WeChat Work message; stops a pathological document before the stack does. */
const MAX_DEPTH = 32;

const notXml = (): never => {
  throw new WecomXmlError("not_xml");
};

/** The value of the document's single root element, which must be named `rootName`. */
function readRootElement(text: string, rootName: string): XmlValue {
  const reader = new Reader(text);
  if (text.charCodeAt(0) === 0xfeff) reader.pos = 1; // a byte-order mark
  reader.skipMisc();
  const root = reader.element(0);
  reader.skipMisc();
  if (reader.pos !== text.length || root.name !== rootName) notXml();
  return root.value;
}

class Reader {
  pos = 0;

  constructor(private readonly s: string) {}

  /** Whitespace, comments and processing instructions, outside the root element. */
  skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.s.startsWith("<!--", this.pos)) this.skipPast("-->");
      else if (this.s.startsWith("<?", this.pos)) this.skipPast("?>");
      else return;
    }
  }

  /** `<Name …>content</Name>` or `<Name …/>`, starting at `<`. */
  element(depth: number): { name: string; value: XmlValue } {
    if (depth > MAX_DEPTH || this.s.charCodeAt(this.pos) !== 0x3c /* < */) notXml();
    this.pos++;
    const name = this.name();
    if (this.skipAttributes()) return { name, value: "" };
    let children: XmlRecord | undefined;
    let text = "";
    let piece = ""; // the text since the last CDATA section or instruction: comments do not split it
    let cdata = "";
    for (;;) {
      const open = this.s.indexOf("<", this.pos);
      if (open < 0) notXml();
      if (open > this.pos) piece += this.s.slice(this.pos, open);
      this.pos = open;
      if (this.s.startsWith("</", open)) {
        this.pos += 2;
        if (this.name() !== name) notXml();
        this.skipSpace();
        this.expect(">");
        break;
      }
      if (this.s.startsWith("<![CDATA[", open)) {
        const end = this.s.indexOf("]]>", open + 9);
        if (end < 0) notXml();
        cdata += this.s.slice(open + 9, end);
        text += piece.trim();
        piece = "";
        this.pos = end + 3;
      } else if (this.s.startsWith("<!--", open)) this.skipPast("-->");
      else if (this.s.startsWith("<?", open)) {
        this.skipPast("?>");
        text += piece.trim();
        piece = "";
      } else {
        const child = this.element(depth + 1);
        children ??= {};
        // An element's value is never a list itself, so a list here means the tag repeated before.
        const seen = Object.hasOwn(children, child.name) ? children[child.name] : undefined;
        if (seen === undefined) children[child.name] = child.value;
        else if (Array.isArray(seen)) seen.push(child.value);
        else children[child.name] = [seen, child.value];
      }
    }
    return { name, value: children ?? decodeEntities(text + piece.trim()) + cdata };
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.s);
    // "__proto__" would set the record's prototype instead of adding a field.
    if (!match || match[0] === "__proto__") return notXml();
    this.pos = NAME.lastIndex;
    return match[0];
  }

  /** Skips to the end of the start tag; true when it was self-closing (`/>`). */
  private skipAttributes(): boolean {
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      if (this.s.startsWith("/>", this.pos)) {
        this.pos += 2;
        return true;
      }
      if (this.s.charCodeAt(this.pos) === 0x3e /* > */) {
        this.pos++;
        return false;
      }
      if (this.pos === before) notXml(); // an attribute needs space before it
      this.name();
      this.skipSpace();
      this.expect("=");
      this.skipSpace();
      const quote = this.s[this.pos];
      if (quote !== '"' && quote !== "'") notXml();
      const end = this.s.indexOf(quote as string, this.pos + 1);
      if (end < 0 || this.s.slice(this.pos + 1, end).includes("<")) notXml();
      this.pos = end + 1;
    }
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.s);
    this.pos = SPACE.lastIndex;
  }

  private skipPast(end: string): void {
    const at = this.s.indexOf(end, this.pos + 2);
    if (at < 0) notXml();
    this.pos = at + end.length;
  }

  private expect(char: string): void {
    if (this.s[this.pos] !== char) notXml();
    this.pos++;
  }
}

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

// Only XML's five predefined entities and numeric references: nothing a document can define.
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED[ref] as string;
    const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
