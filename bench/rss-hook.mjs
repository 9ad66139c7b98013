// Loaded with `node --import` into every measured process: at exit, writes the process's peak
// resident set size (kilobytes, from getrusage; worker threads included) and its CPU time (user +
// system, microseconds) to $BENCH_RSS_FILE, as `maxRSS cpu`.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const usage = process.resourceUsage();
      writeFileSync(file, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}`);
    } catch {
      // No figure is better than a changed exit: the bench reports the RSS as missing.
    }
  });
}
