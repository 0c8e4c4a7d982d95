/** A one-line progress bar on a terminal; plain lines every tenth when the output is a file or pipe. */
export function createProgressBar(stream: NodeJS.WriteStream, width = 30) {
  let lastDecile = -1;
  let drawn = false;
  return {
    update(done: number, total: number, label: string) {
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      if (stream.isTTY) {
        const filled = Math.round(fraction * width);
        stream.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${done}/${total} ${label}\x1b[K`);
        drawn = true;
        return;
      }
      const decile = Math.floor(fraction * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${Math.round(fraction * 100)}% ${done}/${total} ${label}\n`);
      }
    },
    finish() {
      if (drawn) stream.write("\n");
    },
  };
}
