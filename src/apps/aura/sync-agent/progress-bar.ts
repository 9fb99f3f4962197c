import cliProgress from 'cli-progress';

/**
 * A progress reporter for the agent's commands, fed `(done, total)`: a bar on a terminal;
 * elsewhere (a service's log) one line when the work starts and one when it ends. Nothing
 * when there is nothing to do.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total}`, hideCursor: true, stream }, cliProgress.Presets.shades_classic);
  let running = false;
  return (done, total) => {
    if (total === 0) return;
    if (!running) {
      running = true;
      if (stream.isTTY) bar.start(total, done);
      else stream.write(`${label}: ${total} to do\n`);
    }
    if (stream.isTTY) bar.update(done);
    if (done >= total) {
      running = false;
      if (stream.isTTY) bar.stop();
      else stream.write(`${label}: ${done}/${total} done\n`);
    }
  };
}
