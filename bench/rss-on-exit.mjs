// Preloaded with --import into a benchmarked berth process: reports its peak resident memory
// on standard error as it exits, as the last line.
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(2, `${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`));
