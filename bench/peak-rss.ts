// The memory a benchmark run costs: this process's RSS when idle, and its peak from there
// on — sampled every 20 ms, and the kernel's own peak (VmHWM, reset at the start by writing
// 5 to /proc/self/clear_refs), which also sees a long synchronous step no timer can sample.
// Kept apart from bench/support.ts so a child process loads nothing more than its work.
import { readFileSync, writeFileSync } from "node:fs";

const MB = 1024 * 1024;

function kernelPeakMb(): number | null {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** Starts measuring now, idle; `stop()` gives the peak RSS since, in MB. */
export function startPeakRss(): { idleRssMb: number; stop: () => number } {
  const idleRssMb = process.memoryUsage.rss() / MB;
  let kernelPeakReset = false;
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    kernelPeakReset = true;
  } catch {
    // not Linux, or not allowed: only the samples count
  }
  let sampledPeakMb = idleRssMb;
  const sample = () => {
    sampledPeakMb = Math.max(sampledPeakMb, process.memoryUsage.rss() / MB);
  };
  const sampler = setInterval(sample, 20);
  return {
    idleRssMb,
    stop: () => {
      clearInterval(sampler);
      sample();
      const kernelPeak = kernelPeakReset ? kernelPeakMb() : null;
      return Math.max(sampledPeakMb, kernelPeak ?? 0);
    },
  };
}
