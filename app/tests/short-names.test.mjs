// app/short-names.mjs on a module written byte by byte here (WebAssembly Core Specification 2.0,
// §5.5), read back by the engine: the names that change, the ones that must not, and a glue that
// still links.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { renameWasm, shortenNames } from '../short-names.mjs';

const IMPORT = '__wbg_log_0123456789abcdef';
const CLOSURE = 'wasm_bindgen_0123456789abcdef___convert__closures_____invoke';

/** A vector of bytes with its length in front (names and section bodies here are short). */
const vec = (...bytes) => [bytes.length, ...bytes];
const text = (value) => vec(...Buffer.from(value, 'utf8'));
const section = (id, ...body) => [id, ...vec(...body)];

/** A module importing one function from `./app_bg.js`, exporting its memory, one function of its
 *  own under wasm-bindgen's closure name and one under a name of the page's (`start`), with a
 *  `producers` custom section. */
function module() {
  return Buffer.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, 1, 0x60, 0, 0), // one type: [] -> []
    ...section(2, 1, ...text('./app_bg.js'), ...text(IMPORT), 0x00, 0), // import func, type 0
    ...section(3, 2, 0, 0), // two functions of type 0
    ...section(5, 1, 0x00, 1), // one memory, min 1 page
    ...section(7, 3,
      ...text('memory'), 0x02, 0,
      ...text(CLOSURE), 0x00, 1,
      ...text('start'), 0x00, 2),
    // Function 1 calls the import; function 2 does nothing.
    ...section(10, 2, ...vec(0, 0x10, 0, 0x0b), ...vec(0, 0x0b)),
    ...section(0, ...text('producers'), 0),
  ]);
}

const glue = `({ './app_bg.js': { ${IMPORT}: () => calls.push('called') } })
exports.${CLOSURE}; exports.start; exports.memory; const ${IMPORT}_other = 1, my${IMPORT} = 2;`;

test('imports and wasm-bindgen’s exports get short names in both files; the others keep theirs', () => {
  const out = shortenNames(module(), glue);
  assert.equal(out.count, 2);
  const renamed = new WebAssembly.Module(out.wasm);
  assert.deepEqual(WebAssembly.Module.imports(renamed), [{ module: './app_bg.js', name: '$0', kind: 'function' }]);
  assert.deepEqual(WebAssembly.Module.exports(renamed).map((entry) => entry.name), ['memory', '$1', 'start']);
  assert.deepEqual(WebAssembly.Module.customSections(renamed, 'producers'), []);
  assert.ok(!out.glue.includes(IMPORT + ':') && !out.glue.includes(CLOSURE), out.glue);
  assert.match(out.glue, /\{ \$0: \(\) => calls/);
  assert.match(out.glue, /exports\.\$1; exports\.start; exports\.memory;/);
  // A longer identifier that begins or ends with an imported name is another name.
  assert.match(out.glue, new RegExp(`const ${IMPORT}_other = 1, my${IMPORT} = 2;`));
});

test('the renamed module links with the renamed glue and calls through the short name', async () => {
  const out = shortenNames(module(), glue);
  const calls = [];
  const imports = new Function('calls', `return ${out.glue.split('\n')[0]};`)(calls);
  const { instance } = await WebAssembly.instantiate(out.wasm, imports);
  instance.exports.$1();
  assert.deepEqual(calls, ['called']);
});

test('a name the glue never spells stops the build and changes nothing', () => {
  assert.throws(() => shortenNames(module(), glue.replace(CLOSURE, 'other')), /the glue never names wasm_bindgen_/);
});

test('a module with bytes past its import entries is refused, not rewritten', () => {
  const bytes = [...module()];
  // The import section (id 2) grows by one byte that belongs to no entry.
  const at = bytes.indexOf(2, 8);
  bytes.splice(at + 1, 1, bytes[at + 1] + 1);
  bytes.splice(at + 2 + bytes[at + 1] - 1, 0, 0x00);
  assert.throws(() => renameWasm(Buffer.from(bytes), (name) => name), /bytes past its entries/);
});
