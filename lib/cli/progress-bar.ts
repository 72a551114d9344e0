/**
 * A cli-progress bar on stderr, shown only when it helps: more than one step and stderr a terminal
 * (stdout keeps the results, and logs or pipes get no carriage-return noise).
 */
import * as cliProgress from 'cli-progress';

export interface Progress {
  /** One step done; `label` says what the next one is. */
  tick(label?: string): void;
  stop(): void;
}

const SILENT: Progress = { tick: () => undefined, stop: () => undefined };

export function startProgress(total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (total <= 1 || !stream.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `{bar} {percentage}% | {value}/{total} ${unit} | {duration_formatted} elapsed, ETA {eta_formatted} {label}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return {
    tick: (label = '') => bar.increment(1, { label }),
    stop: () => bar.stop(),
  };
}
