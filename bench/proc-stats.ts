// What Linux says a process or a thread has used, read from /proc: CPU time and resident memory.
// Read from the kernel, so other load on the machine does not count in it.
import { readdirSync, readFileSync } from 'node:fs';

// Linux's USER_HZ, which /proc reports CPU time in, is 100 on every architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** The fields of a stat file after the command name in parentheses (which may hold spaces). */
function statFields(statPath: string): string[] {
  const stat = readFileSync(statPath, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU time so far, in ms, of the process or thread whose stat file this is. */
export function cpuMsOf(statPath: string): number {
  const fields = statFields(statPath);
  // utime and stime are the 12th and 13th fields after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** User + system CPU time so far, in ms, of a process (all its threads). */
export const processCpuMs = (pid: number): number => cpuMsOf(`/proc/${pid}/stat`);

/** Resident memory of a process, in MB. */
export const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/**
 * User + system CPU time so far, in ms, of a process's children that have exited: the kernel adds
 * a child's to its parent's cutime and cstime once the parent has waited for it.
 */
export function endedChildrenCpuMs(pid: number | 'self'): number {
  const fields = statFields(`/proc/${pid}/stat`);
  // cutime and cstime are the 14th and 15th fields after the command name.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * User + system CPU time so far, in ms, of a process and its children: a PostgreSQL server's
 * postmaster and the backends serving its connections, those still running and those ended.
 */
export function processTreeCpuMs(pid: number): number {
  let total = processCpuMs(pid) + endedChildrenCpuMs(pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = statFields(`/proc/${entry}/stat`);
      // The parent's pid is the second field after the command name.
      if (Number(fields[1]) === pid) total += ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
      // The process ended while the list was read.
    }
  }
  return total;
}
