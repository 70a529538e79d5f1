// Plain-text presentation shared by commands: aligned tables, short SHAs, ages.

export function shortCommit(commit: string | undefined): string {
  return commit ? commit.slice(0, 7) : '-';
}

/** "3d", "5h", "12m": how long ago `time` (seconds since the epoch) was, from `now` (ms). */
export function age(time: number | undefined, now: number): string {
  if (time === undefined) return '?';
  const seconds = Math.max(0, Math.round(now / 1000 - time));
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** Columns padded to their widest cell, two spaces apart, trailing spaces trimmed. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
