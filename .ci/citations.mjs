#!/usr/bin/env node
// Every document the code cites is in the repository, and every section it cites is in that
// document: a citation is a path ending in `.md` (from the repository's root, or relative to the
// citing file), optionally followed by `§N` or `§N.M`, which must be a heading of that document
// (`## N.` or `### N.M`). Also refused: citations of research notes that a clone does not have
// (`spec/….md`). Exits 1 and names each broken citation.
//
//   node .ci/citations.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = execFileSync('git', ['ls-files', '*.rs', '*.js', '*.mjs', '*.ts', '*.toml', '*.md', '*.html', '*.css', 'tasks'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file && !file.startsWith('.ci/'));

// Outputs the tools write, not documents.
const GENERATED = new Set(['report.md', 'target/bench/report.md', '/report.md']);

/** @type {Map<string, Set<string>>} section numbers of each document */
const sections = new Map();
/** @param {string} path */
function sectionsOf(path) {
  let found = sections.get(path);
  if (!found) {
    found = new Set();
    for (const line of readFileSync(join(root, path), 'utf8').split('\n')) {
      const heading = /^#{2,4} (\d+(?:\.\d+)*)\.? /.exec(line);
      if (heading) found.add(heading[1]);
    }
    sections.set(path, found);
  }
  return found;
}

const broken = [];
for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8');
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    if (/\bspec\/[a-z-]+\.md/.test(line)) broken.push(`${where}: cites a research note outside the repository (${line.trim()})`);
    for (const match of line.matchAll(/([A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md)((?:,? ?§ ?\d+(?:\.\d+)*)*)/g)) {
      const cited = match[1];
      if (GENERATED.has(cited) || cited.startsWith('spec/')) continue;
      const candidates = [cited, join(dirname(file), cited)].map((path) => path.replace(/^\.\//, ''));
      const path = candidates.find((candidate) => existsSync(join(root, candidate)));
      if (!path) {
        broken.push(`${where}: ${cited} is not in the repository`);
        continue;
      }
      for (const section of match[2].matchAll(/§ ?(\d+(?:\.\d+)*)/g)) {
        if (!sectionsOf(path).has(section[1])) broken.push(`${where}: ${path} has no §${section[1]}`);
      }
    }
  });
}

if (broken.length) {
  console.log(`broken citations (${broken.length}):`);
  for (const line of broken) console.log(`  ${line}`);
  process.exit(1);
}
console.log(`every cited document and section is in the repository (${files.length} files read)`);
