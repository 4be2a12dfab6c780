import { readFileSync } from "node:fs";
import { fmt, table } from "./lib/report";

/**
 * Summarises a V8 `.cpuprofile` (node --cpu-prof): where the busy time goes, by package (self and
 * inclusive), by function of ours (inclusive) and by hottest function (self). Idle time is left out.
 * `node bench/.build/bench/profile.js FILE.cpuprofile`; bench/callbacks.ts calls it after --profile.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which bucket a frame belongs to: a package, a file of ours, node itself, or V8's own work. */
function bucketOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === "(garbage collector)") return "(garbage collector)";
    if (functionName === "(program)") return "(program: native, unattributed)";
    if (functionName === "(idle)" || functionName === "(root)") return functionName;
    return "(native)";
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith("node:")) {
    const m = /^node:(?:internal\/)?([^/]+)/.exec(url);
    return `node:${m?.[1] ?? url}`;
  }
  const ours = /\/(src|bench|jobs|migrations)\/(.+)\.js$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url;
}

function ourFunction(frame: CallFrame): string | undefined {
  const ours = /\/(src)\/(.+)\.js$/.exec(frame.url);
  return ours ? `${frame.functionName || "(anonymous)"} (${ours[2]}:${frame.lineNumber + 1})` : undefined;
}

export function summarizeProfile(profile: CpuProfile, top = 20): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // Time per sample: the delta to the next sample (V8's convention), in µs.
  const weight = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    weight.set(profile.samples[i], (weight.get(profile.samples[i]) ?? 0) + dt);
  }

  let busy = 0;
  let idle = 0;
  const selfByBucket = new Map<string, number>();
  const inclByBucket = new Map<string, number>();
  const inclOurs = new Map<string, number>();
  const selfByFn = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

  for (const [id, us] of weight) {
    const node = byId.get(id);
    if (!node) continue;
    if (node.callFrame.functionName === "(idle)") {
      idle += us;
      continue;
    }
    busy += us;
    const bucket = bucketOf(node.callFrame);
    add(selfByBucket, bucket, us);
    add(selfByFn, `${node.callFrame.functionName || "(anonymous)"} — ${bucket}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ""}`, us);
    const buckets = new Set<string>();
    const ours = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      buckets.add(bucketOf(frame));
      const o = ourFunction(frame);
      if (o) ours.add(o);
    }
    for (const b of buckets) add(inclByBucket, b, us);
    for (const f of ours) add(inclOurs, f, us);
  }

  const pct = (us: number) => `${fmt((us / Math.max(busy, 1)) * 100, 1)} %`;
  const rank = (m: Map<string, number>, n: number, skip: (k: string) => boolean = () => false) =>
    [...m.entries()]
      .filter(([k]) => !skip(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n);
  const wall = (profile.endTime - profile.startTime) / 1e6;

  return [
    `busy ${fmt(busy / 1e6, 1)} s of ${fmt(wall, 1)} s profiled (idle ${fmt(idle / 1e6, 1)} s); shares below are of the busy time`,
    "",
    table(["package / part (self time)", "self", "inclusive"], rank(selfByBucket, top).map(([k, v]) => [k, pct(v), pct(inclByBucket.get(k) ?? 0)])),
    "",
    table(["package (inclusive: time with it anywhere on the stack)", "inclusive"], rank(inclByBucket, top, (k) => k.startsWith("(")).map(([k, v]) => [k, pct(v)])),
    "",
    table(["function of ours (inclusive)", "inclusive"], rank(inclOurs, top).map(([k, v]) => [k, pct(v)])),
    "",
    table(["hottest functions (self)", "self"], rank(selfByFn, top).map(([k, v]) => [k, pct(v)])),
  ].join("\n");
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write("usage: node bench/.build/bench/profile.js FILE.cpuprofile\n");
    process.exit(2);
  }
  process.stdout.write(`${summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile)}\n`);
}
