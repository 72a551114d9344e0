'use strict';
// A hand-rolled progress bar on stderr (stdout stays clean for the tables).
// On a terminal it redraws one line; when stderr is a file or pipe (CI logs)
// it prints a plain line per finished step instead of carriage returns.

const fmtTime = (s) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);

class Progress {
  constructor(total, stream = process.stderr) {
    this.total = Math.max(1, total);
    this.done = 0;
    this.stream = stream;
    this.tty = Boolean(stream.isTTY);
    this.t0 = Date.now();
    this.label = '';
  }

  setLabel(label) {
    this.label = label;
    if (this.tty) this.draw();
    else this.stream.write(`[bench] ${label}\n`);
  }

  tick(n = 1, what = '') {
    this.done = Math.min(this.total, this.done + n);
    if (this.tty) this.draw(what);
  }

  draw(what = '') {
    const width = 28;
    const frac = this.done / this.total;
    const full = Math.round(frac * width);
    const elapsed = (Date.now() - this.t0) / 1000;
    const eta = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : 0;
    const bar = '█'.repeat(full) + '░'.repeat(width - full);
    const text = `${bar} ${String(Math.round(frac * 100)).padStart(3)}% ${this.done}/${this.total} ` +
      `${fmtTime(elapsed)} (~${fmtTime(eta)} left) ${this.label}${what ? ` ${what}` : ''}`;
    const cols = this.stream.columns || 120;
    this.stream.write(`\r${text.slice(0, cols - 1).padEnd(Math.min(cols - 1, 110))}`);
  }

  // Prints a message above the bar without breaking it.
  note(msg) {
    if (this.tty) this.stream.write(`\r${' '.repeat(Math.min(this.stream.columns || 120, 120) - 1)}\r`);
    this.stream.write(`[bench] ${msg}\n`);
    if (this.tty) this.draw();
  }

  finish() {
    if (this.tty) {
      this.done = this.total;
      this.draw();
      this.stream.write('\n');
    }
    this.stream.write(`[bench] finished in ${fmtTime((Date.now() - this.t0) / 1000)}\n`);
  }
}

module.exports = { Progress, fmtTime };
