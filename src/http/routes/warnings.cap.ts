import { XMLParser, XMLValidator } from "fast-xml-parser";
import { AppError, Invalid } from "../../errors";
import {
  levelFromText,
  MAX_CAP_DEPTH,
  MAX_ID_LENGTH,
  MAX_WARNING_AREAS,
  parseReferences,
  splitAreas,
  typeFromText,
  type WarningIdentity,
  type WarningInput,
  type WarningMessageInput,
  type WarningMsgType,
  xmlDepthExceeds,
} from "../../domain/warnings";

/**
 * CAP 1.2 (Common Alerting Protocol) XML to a warning. Documents with a DTD are refused before
 * parsing (no DOCTYPE, no ENTITY: XXE and billion laughs cannot start) and the parser never
 * expands entities; only XML's five predefined ones and numeric references are decoded, by hand.
 */

const DTD = /<!(?:DOCTYPE|ENTITY)/i;
const CAP_NS = /urn:oasis:names:tc:emergency:cap:1\.[12]/;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
  isArray: (name) => ["info", "area", "geocode", "parameter", "eventCode"].includes(name),
});

type Node = { [tag: string]: unknown };
interface Pair {
  valueName?: unknown;
  value?: unknown;
}

/** A CAP alert or update as a warning; a cancellation, acknowledgement or error report is refused. */
export function parseCap(xml: string): WarningInput {
  const alert = readAlert(xml);
  const msgType = text(alert.msgType) ?? "Alert";
  if (msgType !== "Alert" && msgType !== "Update") throw new AppError("warning_not_alert", `该 CAP 消息类型为 ${msgType}（解除、确认或错误报告），不生成叫应`, 422);
  return warningOf(alert);
}

/**
 * A CAP message with its identity (`<sender>`, `<identifier>`, `<msgType>`, `<references>`): an
 * Alert or Update carries its warning; a Cancel only names what it lifts. Ack and Error reports
 * are refused (422). A message without an identifier has no identity and acts as an alert.
 */
export function parseCapMessage(xml: string): WarningMessageInput {
  const alert = readAlert(xml);
  const msgType = text(alert.msgType) ?? "Alert";
  if (msgType !== "Alert" && msgType !== "Update" && msgType !== "Cancel") {
    throw new AppError("warning_not_alert", `该 CAP 消息类型为 ${msgType}（确认或错误报告），不生成叫应`, 422);
  }
  const identity = identityOf(alert, msgType);
  if (msgType === "Cancel") {
    if (!identity?.references.length) throw new AppError("warning_reference_unknown", "该 CAP 解除消息没有注明所解除的预警（references），无法确定要取消的叫应", 422);
    return { identity, warning: null };
  }
  return { identity, warning: warningOf(alert) };
}

/** The `<alert>` element of a CAP 1.2 document, refusing DTDs before any parsing. */
function readAlert(xml: string): Node {
  if (DTD.test(xml)) throw Invalid("CAP 文件不能包含 DOCTYPE 或 ENTITY 声明，已拒绝", undefined, "cap_dtd_refused");
  // The validator and the parser recurse per element: a document nested 100,000 deep would overflow the stack.
  if (xmlDepthExceeds(xml, MAX_CAP_DEPTH)) throw Invalid(`CAP 文件的元素嵌套超过 ${MAX_CAP_DEPTH} 层，不是有效的预警，已拒绝`, undefined, "cap_too_deep");
  if (XMLValidator.validate(xml) !== true) throw Invalid("CAP 文件不是有效的 XML，请检查文件是否完整", undefined, "cap_invalid_xml");
  const alert = (parser.parse(xml) as Node).alert as Node | undefined;
  if (!alert || typeof alert !== "object" || !CAP_NS.test(xml)) {
    throw Invalid("不是 CAP 1.2 预警：根元素应为 urn:oasis:names:tc:emergency:cap:1.2 命名空间下的 alert", undefined, "cap_not_alert");
  }
  return alert;
}

function identityOf(alert: Node, msgType: WarningMsgType): WarningIdentity | null {
  const sender = text(alert.sender) ?? "";
  const identifier = text(alert.identifier);
  const references = parseReferences(text(alert.references), sender);
  const long = [sender, identifier ?? "", ...references.flatMap((r) => [r.sender, r.identifier])].some((v) => v.length > MAX_ID_LENGTH);
  if (long) throw Invalid(`CAP 预警的 sender、identifier 或 references 过长（每项不超过 ${MAX_ID_LENGTH} 个字符）`, undefined, "cap_identifier_too_long");
  // Without its own identifier a message cannot be recognised when it comes again; a cancellation
  // still names what it lifts.
  if (!identifier) return msgType === "Cancel" ? { sender, identifier: "", msgType, references } : null;
  return { sender, identifier, msgType, references };
}

function warningOf(alert: Node): WarningInput {
  const info = pickInfo(alert.info);
  const headline = text(info.headline);
  const event = text(info.event);
  const codes = list<Pair>(info.eventCode).map((c) => text(c.value));
  const params = list<Pair>(info.parameter).map((p) => text(p.value));
  const level = levelFromText([headline, event, ...params], text(info.severity));
  if (!level) throw Invalid("无法从 CAP 预警中识别预警等级（标题、事件或 severity 中未找到红、橙、黄、蓝）", undefined, "cap_no_level");
  const description = text(info.description) ?? "";
  const instruction = text(info.instruction);
  const body = [description, instruction ? `防御指南：${instruction}` : ""].filter(Boolean).join("\n");
  return {
    type: typeFromText([event, headline, ...codes]),
    level,
    areas: areasOf(info),
    validFrom: date(info.onset, "onset") ?? date(info.effective, "effective") ?? date(alert.sent, "sent"),
    validTo: date(info.expires, "expires"),
    headline: headline ?? null,
    text: body || headline || event || "",
  };
}

/** The Chinese info block when there are several languages, else the first. */
function pickInfo(raw: unknown): Node {
  const infos = list<Node>(raw);
  const info = infos.find((i) => /^zh/i.test(text(i.language) ?? "")) ?? infos[0];
  if (!info) throw Invalid("CAP 预警缺少 info 段，无法识别预警内容", undefined, "cap_no_info");
  return info;
}

/** areaDesc names; an area's geocodes count only when it has no areaDesc (codes vary by publisher). */
function areasOf(info: Node): string[] {
  const areas = list<Node>(info.area).flatMap((a) => {
    const desc = text(a.areaDesc);
    if (desc) return splitAreas(desc);
    return list<Pair>(a.geocode).map((g) => text(g.value)).filter((v): v is string => Boolean(v));
  });
  if (areas.length > MAX_WARNING_AREAS) throw Invalid(`CAP 预警的区域超过 ${MAX_WARNING_AREAS} 个，请按乡镇拆分后分别发布`, undefined, "cap_too_many_areas");
  return areas;
}

function date(raw: unknown, field: string): Date | null {
  const t = text(raw);
  if (!t) return null;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) throw Invalid(`CAP 预警的 ${field} 时间格式无效：应为 2026-07-12T08:00:00+08:00 形式`, undefined, "cap_bad_time");
  return d;
}

const list = <T>(raw: unknown): T[] => (Array.isArray(raw) ? (raw as T[]) : raw === undefined || raw === null ? [] : [raw as T]);

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function text(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const decoded = raw.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED[ref] as string;
    const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
  return decoded.trim() || undefined;
}
