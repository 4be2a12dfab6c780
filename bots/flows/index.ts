import type { Flow } from "../flow";
import { hazardPhotoFlow } from "./hazardPhoto";
import { inspectionFlow } from "./inspection";
import { rectificationFlow } from "./rectification";
import { myTipsFlow, tipFlow } from "./tip";
import { todoFlow } from "./todo";
import { verificationFlow } from "./verification";

/** Every conversation the bot offers, in menu order. */
export const FLOWS: readonly Flow[] = [
  inspectionFlow,
  hazardPhotoFlow,
  rectificationFlow,
  verificationFlow,
  todoFlow,
  tipFlow,
  myTipsFlow,
];
