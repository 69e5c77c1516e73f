// The card bridge's RPM and the dnf repository packaging/linux/dnf-repo.sh publishes it in, read
// back by rpm, rpmlint and dnf (Debian's builds of them), each in a place of its own: a scratch
// rpm database holds the repository's key, a scratch root receives the package, dnf gets its own
// configuration and cache. Nothing of the machine is read or changed.
//
//   EHCERT_RPM_REPO=target/packages/rpm/repo node --test packaging/linux/rpm.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REPO = path.resolve(process.env.EHCERT_RPM_REPO ?? path.join(ROOT, 'target/packages/rpm/repo'));
const KEY = path.join(REPO, 'RPM-GPG-KEY-ehcert');
const MANIFEST = readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
const VERSION = /\[workspace\.package\][^[]*?version = "([^"]+)"/.exec(MANIFEST)[1];
const RPM = path.join(REPO, 'packages', readdirSync(path.join(REPO, 'packages')).find((name) => name.endsWith('.rpm')));
const BRIDGE = '/usr/bin/ehcert-card-bridge';
const HOST = 'be.ehcert.card_bridge.json';
// The store ids the package was built with (the test command sets test ids, packaging/README.md).
const CHROME_ID = process.env.EHCERT_CHROME_STORE_ID;
const EDGE_ID = process.env.EHCERT_EDGE_STORE_ID;
assert.ok(CHROME_ID && EDGE_ID, 'EHCERT_CHROME_STORE_ID and EHCERT_EDGE_STORE_ID: the ids the package was built with');

const scratch = mkdtempSync(path.join(tmpdir(), 'ehcert-rpm-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function sh(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', ...options });
}

/** A HOME whose ~/.rpmmacros points rpm (and rpmlint, through rpm's library) at a database of
 *  its own, with the repository's key imported when `withKey`. */
function rpmHome(withKey) {
  const home = mkdtempSync(path.join(scratch, 'home-'));
  writeFileSync(path.join(home, '.rpmmacros'), `%_dbpath ${path.join(home, 'rpmdb')}\n`);
  mkdirSync(path.join(home, 'rpmdb'));
  const env = { ...process.env, HOME: home };
  if (withKey) assert.equal(sh('rpmkeys', ['--import', KEY], { env }).status, 0);
  return env;
}

test('the package: its name, version, licence, what it requires and exactly the bridge’s files', () => {
  const query = sh('rpm', ['-qp', '--qf', '%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{LICENSE}', RPM]);
  assert.equal(query.stdout, `ehcert-card-bridge ${VERSION} 1 x86_64 ${/^license = "(.*)"$/m.exec(MANIFEST)[1]}`);
  const requires = sh('rpm', ['-qp', '--requires', RPM]).stdout.split('\n');
  assert.ok(requires.includes('pcsc-lite'), 'the PC/SC service');
  assert.ok(requires.includes('libpcsclite.so.1()(64bit)'), 'found by rpm in the program');
  // The newest C library version the program needs, as packaging/README.md states it (the
  // distributions it installs on follow from it).
  const glibc = requires.map((line) => /^libc\.so\.6\(GLIBC_([\d.]+)\)/.exec(line)?.[1]).filter(Boolean)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  assert.match(readFileSync(path.join(ROOT, 'packaging/README.md'), 'utf8'), new RegExp(`glibc ${glibc.replace('.', '\\.')}\\b`));
  assert.deepEqual(sh('rpm', ['-qlp', RPM]).stdout.trim().split('\n'), [
    `/etc/chromium/native-messaging-hosts/${HOST}`,
    `/etc/opt/chrome/native-messaging-hosts/${HOST}`,
    `/etc/opt/edge/native-messaging-hosts/${HOST}`,
    BRIDGE,
    `/usr/lib/mozilla/native-messaging-hosts/${HOST}`,
    `/usr/share/chromium/extensions/${CHROME_ID}.json`,
    '/usr/share/ehcert-card-bridge',
    '/usr/share/ehcert-card-bridge/native-messaging-hosts',
    '/usr/share/ehcert-card-bridge/native-messaging-hosts/chromium.json',
    `/usr/share/google-chrome/extensions/${CHROME_ID}.json`,
    '/usr/share/licenses/ehcert-card-bridge/copyright',
    '/usr/share/man/man1/ehcert-card-bridge.1.gz',
    `/usr/share/microsoft-edge/extensions/${EDGE_ID}.json`,
  ]);
});

test('signed with the repository’s key: rpm verifies it with the key, and refuses it without', () => {
  const withKey = sh('rpmkeys', ['-K', RPM], { env: rpmHome(true) });
  assert.equal(withKey.status, 0, withKey.stdout + withKey.stderr);
  assert.match(withKey.stdout, /: digests signatures OK$/m);
  const withoutKey = sh('rpmkeys', ['-K', RPM], { env: rpmHome(false) });
  assert.notEqual(withoutKey.status, 0);
  assert.match(withoutKey.stdout, /SIGNATURES NOT OK/);
});

test('rpmlint is clean with the project’s configuration', () => {
  const lint = sh('rpmlint', ['--config', path.join(ROOT, 'packaging/linux/rpmlint.toml'), RPM], { env: rpmHome(true) });
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  assert.match(lint.stdout, /0 errors, 0 warnings/);
});

test('installed into a scratch root, it registers the bridge for every browser; removed, it leaves nothing', () => {
  const root = mkdtempSync(path.join(scratch, 'root-'));
  const env = { ...process.env, HOME: root };
  assert.equal(sh('rpm', ['--root', root, '--initdb'], { env }).status, 0);
  // The scratch root has no C library or PC/SC service: only the package's own files are tried.
  const install = sh('rpm', ['--root', root, '--install', '--nodeps', RPM], { env });
  assert.equal(install.status, 0, install.stderr);
  assert.ok(lstatSync(path.join(root, BRIDGE)).mode & 0o111, 'the bridge is executable');
  for (const folder of ['etc/chromium', 'etc/opt/chrome', 'etc/opt/edge', 'usr/lib/mozilla']) {
    const file = path.join(root, folder, 'native-messaging-hosts', HOST);
    // The links in /etc are relative, so they lead to the package's manifest inside any root.
    assert.ok(realpathSync(file).startsWith(root), `${file} leads out of the root`);
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(manifest.name, 'be.ehcert.card_bridge');
    assert.equal(manifest.path, BRIDGE);
  }
  for (const folder of ['google-chrome', 'chromium']) {
    assert.deepEqual(JSON.parse(readFileSync(path.join(root, 'usr/share', folder, 'extensions', `${CHROME_ID}.json`), 'utf8')),
      { external_update_url: 'https://clients2.google.com/service/update2/crx' });
  }
  const erase = sh('rpm', ['--root', root, '--erase', 'ehcert-card-bridge'], { env });
  assert.equal(erase.status, 0, erase.stderr);
  const left = sh('find', [root, '(', '-type', 'f', '-o', '-type', 'l', ')', '-not', '-path', '*/.rpmdb/*']).stdout.trim();
  assert.equal(left, '', 'files left after removal');
});

/** dnf with a configuration of its own reading `repo` as the repository file says. */
function dnf(repo, ...args) {
  const dir = mkdtempSync(path.join(scratch, 'dnf-'));
  mkdirSync(path.join(dir, 'repos'));
  // Where the repository file names the published address, this machine reads the files here.
  const file = readFileSync(path.join(repo, 'ehcert.repo'), 'utf8')
    .replace(/^baseurl=.*$/m, `baseurl=file://${repo}/`)
    .replace(/^gpgkey=.*$/m, `gpgkey=file://${repo}/RPM-GPG-KEY-ehcert`);
  writeFileSync(path.join(dir, 'repos', 'ehcert.repo'), file);
  return sh('dnf', ['--assumeyes', '--quiet', `--installroot=${path.join(dir, 'root')}`, '--releasever=40', `--setopt=reposdir=${path.join(dir, 'repos')}`,
    `--setopt=cachedir=${path.join(dir, 'cache')}`, '--disableplugin=*',
    // Fedora's default (Debian's dnf skips a repository it cannot read, and succeeds).
    '--setopt=skip_if_unavailable=False', ...args]);
}

test('dnf reads the repository, its metadata signature checked (repo_gpgcheck), and lists the bridge', () => {
  const repoFile = readFileSync(path.join(REPO, 'ehcert.repo'), 'utf8');
  const base = process.env.EHCERT_RPM_BASE_URL ?? `file://${REPO}/`;
  for (const line of ['gpgcheck=1', 'repo_gpgcheck=1', `baseurl=${base}`, `gpgkey=${base}RPM-GPG-KEY-ehcert`]) {
    assert.ok(repoFile.split('\n').includes(line), `${line} in ehcert.repo`);
  }
  const query = dnf(REPO, 'repoquery', '--qf', '%{name} %{version}-%{release} %{arch} %{reponame}', 'ehcert-card-bridge');
  assert.equal(query.status, 0, query.stderr);
  assert.equal(query.stdout.trim(), `ehcert-card-bridge ${VERSION}-1 x86_64 ehcert`);
});

test('dnf refuses the repository when its metadata changed after signing', () => {
  const copy = path.join(scratch, 'tampered');
  cpSync(REPO, copy, { recursive: true });
  const repomd = path.join(copy, 'repodata', 'repomd.xml');
  writeFileSync(repomd, readFileSync(repomd, 'utf8').replace('<revision>', '<revision>1'));
  const query = dnf(copy, 'repoquery', 'ehcert-card-bridge');
  assert.notEqual(query.status, 0, 'dnf took metadata whose signature does not match');
  assert.match(query.stderr, /repomd\.xml GPG signature verification error: Bad GPG signature/);
  assert.doesNotMatch(query.stdout, /ehcert-card-bridge/);
  assert.ok(existsSync(path.join(copy, 'repodata', 'repomd.xml.asc')));
});
