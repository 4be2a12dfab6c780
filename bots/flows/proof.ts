import { MAX_PHOTOS } from "../../src/domain/hazards/photos";
import { type FlowInput, type FlowState, next, type Next, type Question } from "../flow";

/**
 * Proof that a hazard was put right (整改反馈, 即知即改): photos of the place, and PDF documents
 * beside them (a 检测报告 scanned) where the channel can send one. Both count towards the case's
 * photo limit and are kept with its after-photos; the verifier receives each as it was sent.
 */

export const PROOF_DONE = "done";

/** The words of one flow's proof step. */
export interface ProofWords {
  /** The first ask, e.g. "请发送整改后的照片". */
  ask: string;
  /** Why none may be skipped, e.g. "整改反馈至少需要一张整改后的照片". */
  atLeastOne: string;
}

const isDocument = (key: string) => /\.pdf$/i.test(key);

/** "2 张整改照片、1 份文件": what has come so far. */
export function describeProof(keys: readonly string[]): string {
  const documents = keys.filter(isDocument).length;
  const photos = keys.length - documents;
  return [photos > 0 ? `${photos} 张整改照片` : "", documents > 0 ? `${documents} 份文件` : ""].filter(Boolean).join("、");
}

/** "整改后照片 1 张、文件 1 份：": the verifier's heading above them. */
export function proofHeading(keys: readonly string[]): string {
  const documents = keys.filter(isDocument).length;
  return `整改后照片 ${keys.length - documents} 张${documents > 0 ? `、文件 ${documents} 份` : ""}：`;
}

export function proofQuestion(words: ProofWords, keys: readonly string[]): Question {
  const text = keys.length === 0 ? `${words.ask}（可多张；检测报告等 PDF 文件也可发送）\n发完后点「照片已发完」` : `已收到 ${describeProof(keys)}，可继续发送\n发完后点「照片已发完」`;
  return { text, choices: [{ key: PROOF_DONE, label: "照片已发完" }] };
}

/** One message in the proof step: a photo or document kept, 照片已发完 moving on to `then`, anything else asked again. */
export function proofStep(words: ProofWords, state: FlowState, keys: readonly string[], input: FlowInput, then: (keys: string[]) => Next): Next {
  if (input.kind === "photo" || input.kind === "document") {
    if (keys.length >= MAX_PHOTOS) return next.retry(proofQuestion(words, keys), state, `照片和文件最多 ${MAX_PHOTOS} 个，这个未保存`);
    const more = [...keys, input.storageKey];
    return next.ask(proofQuestion(words, more), state.step, { ...state.data, photoKeys: more });
  }
  const finished = (input.kind === "choice" && input.key === PROOF_DONE) || (input.kind === "text" && /^(完成|好了|发完了)$/.test(input.text.trim()));
  if (!finished) return next.retry(proofQuestion(words, keys), state, words.ask);
  if (keys.length === 0) return next.retry(proofQuestion(words, keys), state, words.atLeastOne);
  return then([...keys]);
}
