import { readdirSync, readFileSync } from "node:fs";

/** CPU accounting from /proc: how much each process (and the machine) worked during a round. */

const TICK_S = 0.01; // USER_HZ is 100 on Linux

/** utime + stime of a process and all its threads, in seconds; null when it is gone. */
export function processCpuS(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the "(comm)" part; utime and stime are the 14th and 15th fields overall.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_S;
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine, summed over all cores. */
export function machineCpuS(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0); // idle + iowait
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) * TICK_S, total: total * TICK_S };
}

/** Pids whose command name is one of `names` (e.g. mariadbd, redis-server). */
export function pidsNamed(...names: string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, "utf8").trim())) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export interface CpuWatch {
  /** CPU seconds per named group since `start`, and the machine's utilisation (0..1 of all cores). */
  stop(): { groups: Record<string, number>; machineBusy: number; wallS: number };
}

/** Starts measuring the given groups of pids (the load generator is measured with process.cpuUsage). */
export function watchCpu(groups: Record<string, number[]>): CpuWatch {
  const sum = (pids: number[]) => pids.reduce((a, p) => a + (processCpuS(p) ?? 0), 0);
  const before = Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, sum(pids)]));
  const self = process.cpuUsage();
  const machine = machineCpuS();
  const t0 = process.hrtime.bigint();
  return {
    stop() {
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
      const out: Record<string, number> = {};
      for (const [k, pids] of Object.entries(groups)) out[k] = sum(pids) - before[k];
      const used = process.cpuUsage(self);
      out.loadgen = (used.user + used.system) / 1e6;
      const m = machineCpuS();
      const machineBusy = (m.busy - machine.busy) / Math.max(m.total - machine.total, 1e-9);
      return { groups: out, machineBusy, wallS };
    },
  };
}
