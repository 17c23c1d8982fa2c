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
 * User + system CPU time so far, in ms, of a process and its children: a PostgreSQL server's
 * postmaster and the backends serving its connections. A child that has exited counts through its
 * parent's cutime and cstime, where the kernel adds it once the parent has waited for it.
 */
export function processTreeCpuMs(pid: number): number {
  const own = statFields(`/proc/${pid}/stat`);
  let total = ((Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) * 1000) / CLOCK_TICKS_PER_SECOND;
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
