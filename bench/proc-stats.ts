// What Linux says a process or a thread has used, read from /proc: CPU time and resident memory.
// Read from the kernel, so other load on the machine does not count in it.
import { readFileSync } from 'node:fs';

// Linux's USER_HZ, which /proc reports CPU time in, is 100 on every architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time so far, in ms, of the process or thread whose stat file this is. */
export function cpuMsOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // After the command name in parentheses (which may hold spaces), utime and stime are the 12th and 13th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** User + system CPU time so far, in ms, of a process (all its threads). */
export const processCpuMs = (pid: number): number => cpuMsOf(`/proc/${pid}/stat`);

/** Resident memory of a process, in MB. */
export const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
