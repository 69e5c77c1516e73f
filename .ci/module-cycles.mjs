#!/usr/bin/env node
// The import graph of every crate's modules, and the cycles in it (a module that uses another that
// uses it back, directly or round a longer loop). Exits 1 and names each cycle when there is one.
//
//   node .ci/module-cycles.mjs            the check (the test command runs it)
//   node .ci/module-cycles.mjs --graph    also prints every edge, `crate: a -> b`
//
// A module is a file (the workspace forbids mod.rs, so `src/a/b.rs` is `crate::a::b`) or an inline
// `mod x { … }` inside one, which counts as its file. An edge a -> b is any path in a that names b:
// `crate::b…`, `super::…`, `self::…`, or a child module by its name. Declaring `mod b;` is not an
// edge (that is ownership, not use). Tests inside a file (`mod tests`) count as their file, so a
// parent whose tests use a child that uses the parent is a cycle too, as it should be.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join, dirname, relative, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const showGraph = process.argv.includes('--graph');

/** Workspace members (and the app), read from the root Cargo.toml. */
function members() {
  const toml = readFileSync(join(root, 'Cargo.toml'), 'utf8');
  const list = toml.match(/^members\s*=\s*\[([^\]]*)\]/m)[1];
  return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/** The crate roots of a package: the library, the main binary and every src/bin/*.rs. */
function crateRoots(dir) {
  const src = join(root, dir, 'src');
  const roots = [];
  for (const name of ['lib.rs', 'main.rs']) {
    if (existsSync(join(src, name))) roots.push({ name: `${dir}:${name.replace('.rs', '')}`, file: join(src, name) });
  }
  const bins = join(src, 'bin');
  if (existsSync(bins)) {
    for (const f of readdirSync(bins)) {
      if (f.endsWith('.rs')) roots.push({ name: `${dir}:bin/${f}`, file: join(bins, f) });
    }
  }
  return roots;
}

/** Source without comments, strings and char literals (their text must not look like paths). */
function code(text) {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') { depth++; i += 2; }
        else if (text[i] === '*' && text[i + 1] === '/') { depth--; i += 2; }
        else i++;
      }
    } else if (c === 'r' && /^r#*"/.test(text.slice(i, i + 20)) && !/\w/.test(text[i - 1] ?? '')) {
      const hashes = text.slice(i + 1).match(/^#*/)[0];
      const end = text.indexOf('"' + hashes, i + 2 + hashes.length);
      i = end < 0 ? text.length : end + 1 + hashes.length;
      out += '""';
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      out += '""';
    } else if (c === "'" && /^'(\\.|[^\\'])'/.test(text.slice(i, i + 4))) {
      i = text.indexOf("'", i + 2) + 1;
      out += "' '";
    } else if (c === "'" && /^'\\u\{[0-9a-fA-F]+\}'/.test(text.slice(i, i + 12))) {
      i = text.indexOf("'", i + 2) + 1;
      out += "' '";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Expands a use tree such as `a::{b, c::{d, e}}` into paths. */
function expand(tree) {
  tree = tree.replace(/\s+/g, '');
  const brace = tree.indexOf('{');
  if (brace < 0) return [tree.replace(/\bas\w+$/, '')];
  const prefix = tree.slice(0, brace);
  const inner = tree.slice(brace + 1, tree.lastIndexOf('}'));
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '{') depth++;
    else if (inner[i] === '}') depth--;
    else if (inner[i] === ',' && depth === 0) { parts.push(inner.slice(start, i)); start = i + 1; }
  }
  parts.push(inner.slice(start));
  return parts.filter((p) => p).flatMap((p) => expand(p).map((q) => (q === 'self' ? prefix.replace(/::$/, '') : prefix + q)));
}

/** Walks a crate from its root file: every module, its file, its children, and the paths it names. */
function walk(rootFile) {
  const modules = new Map(); // 'a::b' -> { file, children: Set, refs: [[scope, path]] }
  function visit(file, path) {
    const source = readFileSync(file, 'utf8');
    const text = code(source);
    const module = { file, children: new Set(), refs: [] };
    modules.set(path.join('::'), module);
    // Inline modules: a stack of [name, depth at which it closes].
    const inline = [];
    let depth = 0;
    let pendingPath = null;
    const tokens = text.matchAll(/#\[path\s*=\s*""\]|(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*([;{])|use\s+([^;]+);|\b((?:crate|super|self)(?:::\w+|::\{[^;]*?\})+)|\b([a-z_]\w*)::(\w+)|[{}]/g);
    // Paths given with #[path] are read from the raw text (strings were blanked above).
    const rawPaths = [...source.matchAll(/#\[path\s*=\s*"([^"]+)"\]/g)].map((m) => m[1]);
    for (const m of tokens) {
      const t = m[0];
      const scope = path.concat(inline.map((x) => x[0]));
      if (t.startsWith('#[path')) {
        pendingPath = rawPaths.shift();
      } else if (t === '{') {
        depth++;
      } else if (t === '}') {
        depth--;
        while (inline.length && inline[inline.length - 1][1] === depth) inline.pop();
      } else if (m[1]) {
        if (m[2] === '{') {
          inline.push([m[1], depth]);
          depth++;
        } else {
          const childPath = scope.concat(m[1]);
          if (inline.length === 0) module.children.add(m[1]);
          // A crate root's children sit beside it; any other file's, in the folder of its name.
          const dir = path.length === 0 ? dirname(file) : join(dirname(file), basename(file, '.rs'));
          const childFile = pendingPath ? join(dirname(file), pendingPath) : join(dir, ...inline.map((x) => x[0]), `${m[1]}.rs`);
          pendingPath = null;
          if (existsSync(childFile) && statSync(childFile).isFile()) visit(childFile, childPath);
        }
      } else if (m[3]) {
        for (const p of expand(m[3])) module.refs.push([scope, p]);
      } else if (m[4]) {
        for (const p of expand(m[4])) module.refs.push([scope, p]);
      } else if (m[5]) {
        module.refs.push([scope, `${m[5]}::${m[6]}`]);
      }
    }
  }
  visit(rootFile, []);
  return modules;
}

/** The module (a file's module path) a path names from `scope`, or null when it is outside the crate. */
function resolve(modules, fileOf, scope, path) {
  let segments = path.split('::').filter((s) => s);
  let base;
  if (segments[0] === 'crate') {
    base = [];
    segments = segments.slice(1);
  } else if (segments[0] === 'self' || segments[0] === 'super') {
    base = scope.slice();
    while (segments[0] === 'self' || segments[0] === 'super') {
      if (segments.shift() === 'super') base.pop();
    }
  } else {
    // A bare path: a child module of the current scope (other first segments are crates or items).
    base = scope.slice();
    if (!modules.has(base.concat(segments[0]).join('::'))) return null;
  }
  let target = base;
  for (const s of segments) {
    if (modules.has(target.concat(s).join('::'))) target = target.concat(s);
    else break;
  }
  // Inline modules belong to their file.
  while (target.length && !fileOf.has(target.join('::'))) target = target.slice(0, -1);
  return target.join('::');
}

const cycles = [];
for (const dir of members()) {
  for (const crate of crateRoots(dir)) {
    const modules = walk(crate.file);
    const fileOf = new Set(modules.keys());
    const edges = new Map([...modules.keys()].map((k) => [k, new Set()]));
    for (const [name, module] of modules) {
      for (const [scope, path] of module.refs) {
        const target = resolve(modules, fileOf, scope, path);
        if (target === null || target === name) continue;
        edges.get(name).add(target);
      }
    }
    if (showGraph) {
      for (const [from, tos] of edges) for (const to of tos) console.log(`${crate.name}: ${from || 'crate'} -> ${to || 'crate'}`);
    }
    // Strongly connected components (Tarjan); any with more than one module is a cycle.
    let index = 0;
    const idx = new Map();
    const low = new Map();
    const stack = [];
    const on = new Set();
    const strong = (v) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of edges.get(v)) {
        if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
        else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
      }
      if (low.get(v) === idx.get(v)) {
        const component = [];
        let w;
        do { w = stack.pop(); on.delete(w); component.push(w); } while (w !== v);
        if (component.length > 1) {
          cycles.push(`${crate.name}: ${component.map((c) => relative(root, modules.get(c).file)).sort().join(' <-> ')}`);
        }
      }
    };
    for (const v of edges.keys()) if (!idx.has(v)) strong(v);
  }
}

if (cycles.length) {
  console.log(`import cycles (${cycles.length}):`);
  for (const c of cycles) console.log(`  ${c}`);
  process.exit(1);
}
console.log('no import cycles between modules');
