import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads files of a watched folder at a steady rate, in its own process so
 * the kernel attributes the accesses to it: `node access-load.js DIR FILES
 * RATE SECONDS`. Sends the number of reads made over IPC, then exits.
 */
const [dir = '', files = '1', rate = '1000', seconds = '1'] =
  process.argv.slice(2);
const buffer = Buffer.alloc(64);
const total = Number(rate) * Number(seconds);
const start = performance.now();
let done = 0;

function readOne(i: number): void {
  const fd = openSync(join(dir, `f-${i % Number(files)}.txt`), 'r');
  readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
}

// Every 10 ms, catch up to where the rate says reads should be.
const timer = setInterval(() => {
  const due = Math.min(
    total,
    Math.floor(((performance.now() - start) / 1000) * Number(rate)),
  );
  while (done < due) readOne(done++);
  if (done >= total) {
    clearInterval(timer);
    process.send?.({ reads: done }, () => process.disconnect());
  }
}, 10);
