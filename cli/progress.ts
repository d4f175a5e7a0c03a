/** An upload's progress on stderr, redrawn in place, only when stderr is a terminal (a CI log gets none of it). */
export function progressMeter(label: string, total: number, stream: NodeJS.WriteStream = process.stderr) {
  const shown = stream.isTTY === true;
  const started = Date.now();
  let last = 0;
  const draw = (bytes: number) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const percent = total > 0 ? Math.floor((bytes / total) * 100) : 100;
    stream.write(`\r${label}: ${percent}% of ${mebibytes(total)} (${mebibytes(bytes / seconds)}/s)\x1b[K`);
  };
  return {
    update(bytes: number) {
      if (!shown || Date.now() - last < 100) return;
      last = Date.now();
      draw(bytes);
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
    },
  };
}

const mebibytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
