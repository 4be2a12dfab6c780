import { XMLParser } from "fast-xml-parser";

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

const CDATA = "#cdata";
const TEXT = "#text";
const DTD = /<!(?:DOCTYPE|ENTITY)/i;

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
  // CDATA kept apart so only plain text gets the five predefined entities decoded.
  cdataPropName: CDATA,
});

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

/** Parses a decrypted message and returns the children of its `<xml>` root. */
export function parseMessageXml(text: string): XmlRecord {
  refuseDtd(text);
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch {
    throw new WecomXmlError("not_xml");
  }
  const root = normalize((doc as XmlRecord | undefined)?.xml ?? "");
  if (typeof root !== "object" || Array.isArray(root)) throw new WecomXmlError("not_xml");
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

// Folds the parser's {#cdata, #text} shapes into plain strings, decoding entities in text only.
function normalize(node: unknown): XmlValue {
  if (typeof node === "string") return decodeEntities(node);
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || typeof node !== "object") return "";
  const record = node as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 0 && keys.every((k) => k === CDATA || k === TEXT)) {
    const text = record[TEXT] === undefined ? "" : decodeEntities(String(record[TEXT]));
    const sections = record[CDATA];
    return text + (Array.isArray(sections) ? sections.join("") : String(sections ?? ""));
  }
  const out: XmlRecord = {};
  for (const key of keys) if (key !== TEXT && key !== CDATA) out[key] = normalize(record[key]);
  return out;
}

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

// Only XML's five predefined entities and numeric references: nothing a document can define.
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED[ref];
    const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
