// @ts-check
// Renders the extension's icons from the one drawing, icons/icon.svg, at the sizes the manifest
// names (Chrome: 16 for the favicon of its pages, 32 for Windows, 48 for the extensions page, 128
// for installation and the Chrome Web Store), with librsvg's rsvg-convert (Debian:
// librsvg2-bin). Run after changing the drawing, and commit the PNGs:
//
//   node icons/render.mjs
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ICON_SIZES = [16, 32, 48, 128];

const HERE = path.dirname(fileURLToPath(import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const size of ICON_SIZES) {
    const out = path.join(HERE, `icon-${size}.png`);
    execFileSync('rsvg-convert', ['--width', `${size}`, '--height', `${size}`, '--output', out, path.join(HERE, 'icon.svg')]);
    console.log(`icons/icon-${size}.png`);
  }
}
