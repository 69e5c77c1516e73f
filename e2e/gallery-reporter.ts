// A Playwright reporter that gathers the screenshots of every screen and step (the `screen:`
// attachments of tests/pages/accessibility.ts) into one page, e2e/playwright-report/gallery/
// index.html: each screen side by side at the kiosk's and a laptop's window size, in the order
// the tests took them. A reviewer sees the whole app, in every language tested, at a glance.
// The stores' screenshots (`store:` attachments, tests/store-listing.spec.ts) go beside it, into
// e2e/playwright-report/store/<lang>-<n>.png, ready for the listings.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { FullConfig, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

type Shot = { test: string; name: string; file: string };

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export default class GalleryReporter implements Reporter {
  private shots: Shot[] = [];
  private folder = '';
  private storeShots: { name: string; body: Buffer }[] = [];

  onBegin(config: FullConfig) {
    // Beside the HTML report: e2e/playwright-report/gallery (the config file's folder).
    this.folder = path.join(path.dirname(config.configFile ?? config.rootDir), 'playwright-report', 'gallery');
  }

  onTestEnd(test: TestCase, result: TestResult) {
    // The cross-release projects run tests of today's screens again: their shots are the same.
    if (test.parent.project()?.name.startsWith('previous-')) return;
    for (const attachment of result.attachments) {
      if (attachment.name.startsWith('screen: ') && attachment.path) {
        this.shots.push({ test: test.title, name: attachment.name.slice('screen: '.length), file: attachment.path });
      }
      if (attachment.name.startsWith('store: ') && attachment.body) {
        this.storeShots.push({ name: attachment.name.slice('store: '.length), body: attachment.body });
      }
    }
  }

  onEnd() {
    if (this.storeShots.length > 0) {
      const store = path.join(path.dirname(this.folder), 'store');
      rmSync(store, { recursive: true, force: true });
      mkdirSync(store, { recursive: true });
      for (const { name, body } of this.storeShots) writeFileSync(path.join(store, `${name.replace(/[^a-z0-9-]/g, '')}.png`), body);
      console.log(`${this.storeShots.length} store screenshots: ${path.relative(process.cwd(), store)}`);
    }
    if (this.shots.length === 0) return;
    rmSync(this.folder, { recursive: true, force: true });
    mkdirSync(this.folder, { recursive: true });
    const sections = new Map<string, string[]>();
    this.shots.forEach((shot, index) => {
      const image = `${String(index).padStart(3, '0')}.png`;
      copyFileSync(shot.file, path.join(this.folder, image));
      const figures = sections.get(shot.test) ?? [];
      figures.push(`<figure><a href="${image}"><img src="${image}" alt="${escape(shot.name)}" loading="lazy"></a><figcaption>${escape(shot.name)}</figcaption></figure>`);
      sections.set(shot.test, figures);
    });
    const body = [...sections]
      .map(([test, figures]) => `<section><h2>${escape(test)}</h2><div class="shots">${figures.join('')}</div></section>`)
      .join('\n');
    writeFileSync(
      path.join(this.folder, 'index.html'),
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>ehcert — every screen</title>
<style>body{font-family:system-ui,sans-serif;margin:1rem 2rem}.shots{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0;width:22rem}img{width:100%;border:1px solid #8a94a3}figcaption{font-size:.875rem}</style>
<h1>ehcert — every screen and step (${this.shots.length} screenshots)</h1>
${body}
`,
    );
    console.log(`gallery of ${this.shots.length} screenshots: ${path.relative(process.cwd(), path.join(this.folder, 'index.html'))}`);
  }
}
