#!/usr/bin/env node
// The words ehcert shows are the glossary's (app/lang/GLOSSARY.md): no text of a language holds a
// word the glossary's "Avoid" column lists for that language (outside the technical texts it
// names), quotation marks and apostrophes are typographic, and French puts a non-breaking space
// before its high punctuation. Checks the page's catalogues (app/lang/*.json) and the PIN
// window's words (extension/pin-strings.js). Exits 1 and names each text at fault.
//
//   node .ci/vocabulary.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LANGUAGES = ['en', 'nl', 'fr', 'de'];
const glossary = readFileSync(join(root, 'app/lang/GLOSSARY.md'), 'utf8');

/** @type {Map<string, {word: string, concept: string}[]>} the words to avoid, per language */
const avoid = new Map(LANGUAGES.map((lang) => [lang, []]));
for (const line of glossary.split('\n')) {
  const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
  if (cells.length !== 6 || cells[0] === 'Concept' || cells[0].startsWith('---')) continue;
  for (const part of cells[5].split('·')) {
    const [lang, words] = part.split(':').map((text) => text.trim());
    if (!avoid.has(lang)) throw new Error(`GLOSSARY.md: unknown language "${lang}" in "${cells[5]}"`);
    for (const word of words.split(',').map((w) => w.trim()).filter(Boolean)) {
      avoid.get(lang).push({ word, concept: cells[0] });
    }
  }
}
if ([...avoid.values()].every((words) => words.length === 0)) throw new Error('GLOSSARY.md: no words to avoid found');

// The technical texts the glossary names (`dn_label`, …), where technical words may stand, and
// the keystore folder's path.
const technicalSection = glossary.slice(glossary.indexOf('Technical texts'));
const technical = new Set([...technicalSection.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]));
const PATHS = [/› keystore/g, /\/keystore/g, /\\keystore/g];

const problems = [];
/** Checks one text of `lang`, named `where`. */
function check(lang, where, text) {
  const plain = PATHS.reduce((rest, path) => rest.replace(path, ''), text);
  for (const { word, concept } of avoid.get(lang)) {
    if (plain.toLowerCase().includes(word.toLowerCase())) {
      problems.push(`${where}: "${word}" (${concept}: see app/lang/GLOSSARY.md)`);
    }
  }
  if (/['"]/.test(text)) problems.push(`${where}: a straight quotation mark or apostrophe`);
  if (lang === 'fr' && /( [:;?!»])|(« )/.test(text)) {
    problems.push(`${where}: an ordinary space where French takes a non-breaking one`);
  }
}

for (const lang of LANGUAGES) {
  const catalogue = JSON.parse(readFileSync(join(root, `app/lang/${lang}.json`), 'utf8'));
  for (const [section, texts] of Object.entries(catalogue)) {
    for (const [key, text] of Object.entries(texts)) {
      if (!technical.has(key)) check(lang, `app/lang/${lang}.json ${section}.${key}`, text);
    }
  }
}

const { STRINGS } = await import(pathToFileURL(join(root, 'extension/pin-strings.js')).href);
/** Every text of a PIN-window language, functions called with a sample count. */
function* texts(value, path) {
  if (typeof value === 'string') yield [path, value];
  else if (typeof value === 'function') yield [path, String(value(2))];
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) yield* texts(inner, `${path}.${key}`);
  }
}
for (const lang of LANGUAGES) {
  for (const [path, text] of texts(STRINGS[lang], `extension/pin-strings.js ${lang}`)) check(lang, path, text);
}

if (problems.length) {
  console.error(`${problems.length} text(s) not in the glossary's words:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`vocabulary: ${LANGUAGES.length} catalogues and the PIN window's words follow app/lang/GLOSSARY.md`);
