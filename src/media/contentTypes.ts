/**
 * The file types Anshao keeps: photos, voice notes, PDFs and office documents. Each type has the
 * extension its storage key gets and the leading bytes its files start with, so a file whose
 * bytes contradict its declared type (an HTML page labelled as a photo) is refused.
 */

interface FileType {
  ext: string;
  /** Does the file start the way this type's files do? */
  looksRight: (head: Buffer) => boolean;
}

const startsWith = (...signature: number[]) => (head: Buffer) => signature.every((byte, i) => head[i] === byte);
const ascii = (text: string, offset = 0) => (head: Buffer) => head.subarray(offset, offset + text.length).toString("latin1") === text;
const riff = (form: string) => (head: Buffer) => ascii("RIFF")(head) && ascii(form, 8)(head);
const ole2 = startsWith(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1);
const zip = startsWith(0x50, 0x4b, 0x03, 0x04);
const mp3 = (head: Buffer) => ascii("ID3")(head) || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0);

const TYPES: Record<string, FileType> = {
  "image/jpeg": { ext: "jpg", looksRight: startsWith(0xff, 0xd8, 0xff) },
  "image/png": { ext: "png", looksRight: startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
  "image/gif": { ext: "gif", looksRight: (h) => ascii("GIF87a")(h) || ascii("GIF89a")(h) },
  "image/webp": { ext: "webp", looksRight: riff("WEBP") },
  "image/bmp": { ext: "bmp", looksRight: ascii("BM") },
  "audio/amr": { ext: "amr", looksRight: ascii("#!AMR") },
  "audio/mpeg": { ext: "mp3", looksRight: mp3 },
  "audio/wav": { ext: "wav", looksRight: riff("WAVE") },
  "audio/mp4": { ext: "m4a", looksRight: ascii("ftyp", 4) },
  "audio/ogg": { ext: "ogg", looksRight: ascii("OggS") },
  "application/pdf": { ext: "pdf", looksRight: ascii("%PDF-") },
  "application/msword": { ext: "doc", looksRight: ole2 },
  "application/vnd.ms-excel": { ext: "xls", looksRight: ole2 },
  "application/vnd.ms-powerpoint": { ext: "ppt", looksRight: ole2 },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { ext: "docx", looksRight: zip },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { ext: "xlsx", looksRight: zip },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": { ext: "pptx", looksRight: zip },
};

/** Other spellings seen in the wild (WeChat Work labels voice notes `voice/amr`). */
const ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "image/x-ms-bmp": "image/bmp",
  "voice/amr": "audio/amr",
  "audio/mp3": "audio/mpeg",
  "audio/x-wav": "audio/wav",
  "audio/wave": "audio/wav",
  "audio/x-m4a": "audio/mp4",
};

const BY_EXT = new Map(Object.entries(TYPES).map(([type, t]) => [t.ext, type]));
BY_EXT.set("jpeg", "image/jpeg");

/** `Image/JPEG; charset=…` → `image/jpeg`, aliases resolved; undefined when not an allowed type. */
export function allowedType(contentType: string): string | undefined {
  const bare = contentType.split(";")[0].trim().toLowerCase();
  const type = ALIASES[bare] ?? bare;
  return TYPES[type] ? type : undefined;
}

/** The allowed type a file name's extension stands for, for downloads labelled `application/octet-stream`. */
export function typeFromFilename(filename: string | undefined): string | undefined {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(filename ?? "")?.[1]?.toLowerCase();
  return ext ? BY_EXT.get(ext) : undefined;
}

export function extensionOf(type: string): string {
  return (TYPES[type] as FileType).ext;
}

export function contentTypeOfExtension(ext: string): string | undefined {
  return BY_EXT.get(ext);
}

export function bytesMatchType(type: string, bytes: Buffer): boolean {
  return TYPES[type]?.looksRight(bytes.subarray(0, 16)) ?? false;
}

/** Types told apart by their first bytes alone (Office formats share containers, so they are not). */
const SNIFFABLE = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "audio/amr", "audio/wav", "audio/ogg", "audio/mp4", "audio/mpeg", "application/pdf"];

/**
 * The allowed type the bytes show, among those of `family` (`image/`, `audio/`, …) or all
 * sniffable ones: a phone's PNG screenshot labelled `image/jpeg` is still kept, as a PNG.
 */
export function sniffType(bytes: Buffer, family = ""): string | undefined {
  return SNIFFABLE.find((type) => type.startsWith(family) && bytesMatchType(type, bytes));
}

/** `图片（jpg、png…）、语音、PDF 和 Office 文档`: what is allowed, for error messages. */
export function allowedTypesText(): string {
  return `图片（jpg、png、gif、webp、bmp）、语音（amr、mp3、wav、m4a、ogg）、PDF 和 Office 文档（doc、docx、xls、xlsx、ppt、pptx）`;
}
