// Shortens the names wasm-bindgen gives the imports and exports between a wasm module and its JS
// glue, in both files at once.
//
// wasm-bindgen names each import after the JS function plus a 16-hex-digit hash
// (`__wbg_location_7320782274fc691b`) and each closure trampoline after its Rust type
// (`wasm_bindgen_<hash>___convert__closures_____invoke_…`). Each name is written twice, in the
// wasm's import or export section and in the glue, and the hashes do not compress: on the app
// that is a few KB gzip of a download held to a budget (app/PRODUCT.md §6). The names mean
// nothing at run time, so they become `$0`, `$1`, … (valid JS property names no glue code uses).
//
// The wasm is rewritten from its binary format (WebAssembly Core Specification 2.0, §5.5 Modules):
// only the import (id 2) and export (id 7) sections change; every other section is copied byte for
// byte, custom sections that no browser reads (`producers`, `target_features`, binaryen's
// `__wasm_split_unstable`) are left out. The result is checked with the engine's own reader
// (`WebAssembly.Module.imports/exports`): same kinds in the same order, only the names changed.
import { readFileSync, writeFileSync } from 'node:fs';

/** Unsigned LEB128 at `at`: `[value, next offset]`. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function lebBytes(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function name(bytes, at) {
  const [length, start] = leb(bytes, at);
  return [utf8.decode(bytes.subarray(start, start + length)), start + length];
}

function nameBytes(text) {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([lebBytes(body.length), body]);
}

/** Past a `limits` (§5.3.7): flags, min, and max when flag bit 0 is set. */
function skipLimits(bytes, at) {
  const flags = bytes[at++];
  [, at] = leb(bytes, at);
  if (flags & 1) [, at] = leb(bytes, at);
  return at;
}

/** Past an import description (§5.5.5): function, table, memory, global or tag. */
function skipImportDescription(bytes, at) {
  const kind = bytes[at++];
  switch (kind) {
    case 0x00: // function: type index
      return leb(bytes, at)[1];
    case 0x01: // table: reference type, limits
      return skipLimits(bytes, at + 1);
    case 0x02: // memory: limits
      return skipLimits(bytes, at);
    case 0x03: // global: value type, mutability
      return at + 2;
    case 0x04: // tag (exception handling): attribute, type index
      return leb(bytes, at + 1)[1];
    default:
      throw new Error(`import description of unknown kind 0x${kind.toString(16)}`);
  }
}

const DROPPED_CUSTOM = new Set(['producers', 'target_features', '__wasm_split_unstable']);

/**
 * The module with its import and export names replaced through `rename(name, kind)` (kind is
 * 'import' or 'export'; returning the name keeps it), and the custom sections no browser reads
 * left out.
 */
export function renameWasm(wasm, rename) {
  if (wasm.readUInt32BE(0) !== 0x0061736d) throw new Error('not a wasm module');
  const parts = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = leb(wasm, at + 1);
    const end = start + size;
    const body = wasm.subarray(start, end);
    if (id === 0 && DROPPED_CUSTOM.has(name(body, 0)[0])) {
      at = end;
      continue;
    }
    let newBody = body;
    if (id === 2 || id === 7) {
      const [count, first] = leb(body, 0);
      const entries = [lebBytes(count)];
      let p = first;
      for (let i = 0; i < count; i++) {
        if (id === 2) {
          const [, afterModule] = name(body, p);
          const [field, afterField] = name(body, afterModule);
          const afterDescription = skipImportDescription(body, afterField);
          entries.push(body.subarray(p, afterModule));
          entries.push(nameBytes(rename(field, 'import')));
          entries.push(body.subarray(afterField, afterDescription));
          p = afterDescription;
        } else {
          const [field, afterField] = name(body, p);
          const afterDescription = leb(body, afterField + 1)[1];
          entries.push(nameBytes(rename(field, 'export')));
          entries.push(body.subarray(afterField, afterDescription));
          p = afterDescription;
        }
      }
      if (p !== body.length) throw new Error(`section ${id} has ${body.length - p} bytes past its entries`);
      newBody = Buffer.concat(entries);
    }
    parts.push(Buffer.from([id]), lebBytes(newBody.length), newBody);
    at = end;
  }
  return Buffer.concat(parts);
}

/** An export is renamed only when its name is wasm-bindgen's own, never a short name like
 *  `memory` that the glue or the page may spell elsewhere. */
const GENERATED_EXPORT = /^wasm_bindgen_[0-9a-f]{16}_|_[0-9a-f]{16}$/;

/**
 * Renames in a wasm module and its glue (both as bytes / text): every import, and the exports
 * whose names wasm-bindgen generated. Each old name must appear in the glue, as a whole word,
 * exactly as often as before; the renamed module is read back by the engine.
 */
export function shortenNames(wasm, glue) {
  const renames = new Map();
  const rename = (old, kind) => {
    if (kind === 'export' && !GENERATED_EXPORT.test(old)) return old;
    if (!renames.has(old)) renames.set(old, `$${renames.size.toString(36)}`);
    return renames.get(old);
  };
  const before = new WebAssembly.Module(wasm);
  const renamed = renameWasm(wasm, rename);
  const after = new WebAssembly.Module(renamed);
  const shape = (list) => list.map(({ module, kind }) => `${module ?? ''} ${kind}`).join('\n');
  const names = (list) => list.map((entry) => renames.get(entry.name) ?? entry.name).join('\n');
  for (const read of [WebAssembly.Module.imports, WebAssembly.Module.exports]) {
    if (shape(read(before)) !== shape(read(after)) || names(read(before)) !== read(after).map((e) => e.name).join('\n')) {
      throw new Error(`the renamed module's ${read.name} differ from the original's`);
    }
  }
  let text = glue;
  for (const [old, short] of renames) {
    const word = new RegExp(`(?<![\\w$])${old.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
    const count = (text.match(word) ?? []).length;
    if (count === 0) throw new Error(`the glue never names ${old}`);
    if (text.includes(short)) throw new Error(`the glue already contains ${short}`);
    text = text.replace(word, () => short);
  }
  return { wasm: renamed, glue: text, count: renames.size };
}

/** Shortens the names of one wasm module and its glue file, in place. */
export function shortenFiles(wasmPath, gluePath) {
  const wasm = readFileSync(wasmPath);
  const glue = readFileSync(gluePath, 'utf8');
  const out = shortenNames(wasm, glue);
  writeFileSync(wasmPath, out.wasm);
  writeFileSync(gluePath, out.glue);
  return { names: out.count, wasmSaved: wasm.length - out.wasm.length, glueSaved: glue.length - out.glue.length };
}
