// The README and docs/ link only to what the repository has: every relative link resolves to a file
// (and a heading, when it names one), and none points outside the repository (users get the repo,
// not the design notes it grew from).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const pages = [join(REPO, 'README.md'), ...readdirSync(join(REPO, 'docs'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.md')).map((f) => join(REPO, 'docs', f))];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchorsOf = (text: string) => new Set(text.split('\n').filter((l) => /^#{1,6} /.test(l))
  .map((l) => l.replace(/^#+ /, '').trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replaceAll(' ', '-')));

const links = pages.flatMap((page) => {
  // Code blocks and code spans hold patterns like ^[a-z](x)?, not links.
  const text = readFileSync(page, 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({ page: relative(REPO, page), target: m[1]! }))
    .filter((l) => !/^(https?:|mailto:)/.test(l.target));
});

describe('links in README.md and docs/', () => {
  it('finds links to check', () => {
    expect(links.length).toBeGreaterThan(20);
  });

  it('resolve to files and headings in the repository', () => {
    const broken = links.filter(({ page, target }) => {
      const [file, anchor] = target.split('#') as [string, string | undefined];
      const path = file ? resolve(dirname(join(REPO, page)), file) : join(REPO, page);
      if (!path.startsWith(REPO + '/') && path !== REPO) return true;
      if (!existsSync(path)) return true;
      return anchor !== undefined && path.endsWith('.md') && !anchorsOf(readFileSync(path, 'utf8')).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it('never point at the design notes outside the repository', () => {
    for (const page of pages) expect(readFileSync(page, 'utf8'), relative(REPO, page)).not.toMatch(/\.\.\/shared|shared\/design/);
  });
});
