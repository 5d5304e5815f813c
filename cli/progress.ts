/** Redraws at most this often: a terminal need not see every batch. */
const REDRAW_MS = 100;
const WIDTH = 30;

export interface Progress {
  update(done: number, total: number): void;
  /** Draws the final state and moves to a new line. */
  end(): void;
}

/**
 * A one-line progress bar on `stream` when it is a terminal; silent
 * otherwise, so pipes and logs get no control characters.
 */
export function progressBar(
  label: string,
  unit: string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY) return { update: () => undefined, end: () => undefined };
  let last = 0;
  let shown: [number, number] | null = null;
  const draw = (done: number, total: number) => {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(share * WIDTH);
    const bar = '#'.repeat(filled) + '.'.repeat(WIDTH - filled);
    const percent = String(Math.floor(share * 100)).padStart(3);
    stream.write(
      `\r${label} [${bar}] ${percent}% ${done.toLocaleString('en')}/` +
        `${total.toLocaleString('en')} ${unit}`,
    );
  };
  return {
    update(done, total) {
      shown = [done, total];
      const now = Date.now();
      if (now - last < REDRAW_MS && done < total) return;
      last = now;
      draw(done, total);
    },
    end() {
      if (shown) {
        draw(...shown);
        stream.write('\n');
      }
    },
  };
}
