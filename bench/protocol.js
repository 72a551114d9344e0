'use strict';
// The line protocol between benchmark processes and bench/run.js: every
// message is one stdout line "@@bench <json>". The prefix keeps stray library
// output (warnings printed to stdout) from ever being parsed as a result.
// C++ side: bench/native/common.h emit().

const PREFIX = '@@bench ';

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function emit(msg) {
  process.stdout.write(`${PREFIX}${JSON.stringify({ ...msg, cpuS: cpuSeconds() })}\n`);
}

// Returns the message, or null for a line that is not protocol.
function parse(line) {
  if (!line.startsWith(PREFIX)) return null;
  try {
    return JSON.parse(line.slice(PREFIX.length));
  } catch {
    return null;
  }
}

module.exports = { emit, parse, PREFIX };
