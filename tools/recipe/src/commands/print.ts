// What several commands print the same way.

/** "committed 1a2b3c4, pushed after 2 attempts" */
export function landedLine(landed: { commit: string; attempts: number }, pushed: boolean): string {
  return `committed ${landed.commit.slice(0, 7)}${pushed ? `, pushed${landed.attempts > 1 ? ` after ${landed.attempts} attempts` : ''}` : ''}`;
}
