// Reading the operator's /metrics text in tests: a sample by its labels, whatever their order and
// whatever other labels (account, region) it carries.

/** The sum of the samples of `metric` whose labels include every one in `labels`. */
export function sampleSum(text: string, metric: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const match of text.matchAll(new RegExp(`^${metric}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
    const have = new Map<string, string>([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(match[2]);
  }
  return sum;
}
