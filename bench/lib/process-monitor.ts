import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Resident set size of a process in bytes, from VmRSS in /proc/<pid>/status; undefined once it is gone. */
export function residentSetBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** User plus system CPU seconds a process (all its threads) has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine spent busy (all cores, everything but idle and iowait), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}

export interface ProcessSample {
  /** Largest VmRSS seen while sampling, in bytes. */
  maxRssBytes: number;
  /** CPU seconds used while sampling divided by the wall time: 1.0 is one core fully busy. */
  cpuCores: number;
  /** Busy CPU of the whole machine over the same time, in cores. */
  machineCpuCores: number;
}

/** Samples a process' RSS every `intervalMs` (and its CPU time at start and stop) until stopped. */
export function monitorProcess(pid: number, intervalMs = 50): { stop(): ProcessSample } {
  const started = performance.now();
  const cpuAtStart = cpuSeconds(pid) ?? 0;
  const machineAtStart = machineBusySeconds();
  let maxRssBytes = residentSetBytes(pid) ?? 0;
  const timer = setInterval(() => {
    maxRssBytes = Math.max(maxRssBytes, residentSetBytes(pid) ?? 0);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      maxRssBytes = Math.max(maxRssBytes, residentSetBytes(pid) ?? 0);
      const seconds = (performance.now() - started) / 1000;
      return {
        maxRssBytes,
        cpuCores: ((cpuSeconds(pid) ?? cpuAtStart) - cpuAtStart) / seconds,
        machineCpuCores: (machineBusySeconds() - machineAtStart) / seconds,
      };
    },
  };
}
