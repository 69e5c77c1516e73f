// Upgrades from the previous release (CHANGELOG.md), as a machine that installed it gets them:
//
// - apt: the bridge installed with apt-get from the repository as it was when the previous release
//   was published; the same source line then serves today's repository, and `apt-get upgrade`
//   moves the machine to this release: one package, the new program answering with the new
//   version, the browsers' manifests (and nothing else of the old package) left; going back is
//   refused unless asked for by name with --allow-downgrades. This installs into this machine
//   (dpkg's own database: an upgrade is dpkg's maintainer scripts and file hand-over, which a
//   scratch root would not run), so it needs root and a machine without the bridge, and removes
//   it again at the end.
// - rpm: the previous release's RPM installed into a scratch root, this one's over it with
//   `rpm --upgrade`, then the previous one refused over it.
//
//   EHCERT_APT_REPO=… EHCERT_APT_PREVIOUS_REPO=… EHCERT_PREVIOUS_LINUX=… EHCERT_LINUX_OUT=… \
//     node --test packaging/linux/upgrade.test.mjs
//
// The xtask step that publishes the repositories sets these (target/packages/apt/{repo,previous},
// target/previous-release/<version>/linux, target/packages/linux).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { aptWith } from './apt-scratch.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = (name) => {
  const value = process.env[name];
  assert.ok(value, `${name} (see the top of this file)`);
  return path.resolve(value);
};
const REPO = env('EHCERT_APT_REPO');
const PREVIOUS_REPO = env('EHCERT_APT_PREVIOUS_REPO');
const PREVIOUS_LINUX = env('EHCERT_PREVIOUS_LINUX');
const LINUX_OUT = env('EHCERT_LINUX_OUT');
const VERSION = /\[workspace\.package\][^[]*?version = "([^"]+)"/.exec(readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8'))[1];
const PACKAGE = 'ehcert-card-bridge';
const BRIDGE = '/usr/bin/ehcert-card-bridge';
const HOST = 'be.ehcert.card_bridge.json';
// Where the browsers look for the host (bridge-files.sh), each a link to the package's manifest.
const HOST_FOLDERS = ['/etc/chromium', '/etc/opt/chrome', '/etc/opt/edge', '/usr/lib/mozilla'];

const scratch = mkdtempSync(path.join(tmpdir(), 'ehcert-upgrade-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function sh(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', ...options });
}

function onlyFile(dir, suffix) {
  const found = readdirSync(dir).filter((name) => name.endsWith(suffix));
  assert.equal(found.length, 1, `one ${suffix} in ${dir}: ${found}`);
  return path.join(dir, found[0]);
}

/** The version a package's control data or an RPM's header names. */
const debVersion = (deb) => sh('dpkg-deb', ['-f', deb, 'Version']).stdout.trim();
const rpmVersion = (rpm) => sh('rpm', ['-qp', '--qf', '%{VERSION}', rpm]).stdout.trim();

/** The first native-messaging frame the bridge at `program` sends when a browser starts it:
 *  its hello, which names its version. */
function hello(program) {
  const result = spawnSync(program, ['chrome-extension://ihbedndnijflbnlknbfafabcflgcfela/'], { input: '', timeout: 10_000 });
  const data = result.stdout;
  assert.ok(data.length > 4, `${program} sent nothing: ${result.stderr}`);
  return JSON.parse(data.subarray(4, 4 + data.readUInt32LE(0)).toString('utf8'));
}

const installedVersion = () => sh('dpkg-query', ['-W', '-f', '${Version}', PACKAGE]).stdout;
const installedFiles = () => readFileSync(`/var/lib/dpkg/info/${PACKAGE}.list`, 'utf8').split('\n').filter(Boolean);

const previousDeb = () => onlyFile(PREVIOUS_LINUX, '.deb');

before(() => {
  const status = sh('dpkg-query', ['-W', '-f', '${Status}', PACKAGE]).stdout;
  assert.doesNotMatch(status, /installed/, `${PACKAGE} is installed on this machine already: remove it first (dpkg --purge ${PACKAGE})`);
  assert.notEqual(debVersion(previousDeb()), VERSION, 'the previous release is another version');
});

after(() => {
  spawnSync('dpkg', ['--purge', PACKAGE]);
});

test('apt-get upgrade moves the previous release to this one: one package, the new bridge, its manifests, no old file', () => {
  const previous = debVersion(previousDeb());
  // One source line, as the machine has it: first it serves the repository as it was, then as it is.
  const served = path.join(scratch, 'served');
  symlinkSync(PREVIOUS_REPO, served);
  const apt = aptWith(scratch, 'upgrade', served, path.join(PREVIOUS_REPO, 'ehcert-archive-keyring.gpg'));
  const expectOk = (result, what) => assert.equal(result.status, 0, `${what}: ${result.stdout}${result.stderr}`);

  expectOk(apt('apt-get', 'update'), 'apt-get update (previous release)');
  expectOk(apt('apt-get', 'install', '--yes', PACKAGE), 'apt-get install');
  assert.equal(installedVersion(), previous);
  assert.equal(hello(BRIDGE).args.bridge_version, previous);
  const before = installedFiles();

  rmSync(served);
  symlinkSync(REPO, served);
  const update = apt('apt-get', 'update');
  expectOk(update, 'apt-get update (this release)');
  // A Release file older than the one apt has is ignored, with a warning (rollback protection).
  assert.doesNotMatch(update.stdout + update.stderr, /^(W|E):/m, 'apt took the new repository without a warning');
  const upgrade = apt('apt-get', 'upgrade', '--yes');
  expectOk(upgrade, 'apt-get upgrade');
  assert.match(upgrade.stdout, /^1 upgraded, 0 newly installed, 0 to remove/m);
  assert.equal(installedVersion(), VERSION);
  const listed = sh('dpkg-query', ['-W', '-f', '${Package} ${Version}\n', `${PACKAGE}*`]).stdout.trim().split('\n');
  assert.deepEqual(listed, [`${PACKAGE} ${VERSION}`]);
  // The program the browsers start is the new one.
  assert.equal(sh(BRIDGE, ['--version']).stdout.trim(), `card-bridge ${VERSION}`);
  assert.equal(hello(BRIDGE).args.bridge_version, VERSION);
  // Every browser's manifest is there and leads to it, as today's bridge writes its manifests.
  for (const folder of HOST_FOLDERS) {
    const file = path.join(folder, 'native-messaging-hosts', HOST);
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(manifest.path, BRIDGE, file);
    const browser = folder.includes('mozilla') ? 'firefox' : 'chromium';
    const expected = JSON.parse(sh(BRIDGE, ['manifest', '--browser', browser, '--path', BRIDGE]).stdout);
    assert.deepEqual(manifest, expected, `${file}: the new bridge's manifest`);
  }
  // What the old package had and the new one has not is gone.
  const now = new Set(installedFiles());
  for (const file of before.filter((file) => !now.has(file))) {
    assert.equal(existsSync(file), false, `${file} of ${previous} is left`);
  }
});

test('apt takes no step back: the previous release is not installed over this one unless asked for with --allow-downgrades', () => {
  assert.equal(installedVersion(), VERSION, 'the test before installed this release');
  const apt = aptWith(scratch, 'downgrade', PREVIOUS_REPO, path.join(PREVIOUS_REPO, 'ehcert-archive-keyring.gpg'));
  assert.equal(apt('apt-get', 'update').status, 0);
  const previous = debVersion(previousDeb());
  const upgrade = apt('apt-get', 'upgrade', '--yes');
  assert.equal(upgrade.status, 0, upgrade.stderr);
  assert.match(upgrade.stdout, /^0 upgraded, 0 newly installed, 0 to remove/m);
  const downgrade = apt('apt-get', 'install', '--yes', `${PACKAGE}=${previous}`);
  assert.notEqual(downgrade.status, 0, 'apt-get installed the previous release over this one without --allow-downgrades');
  assert.match(downgrade.stdout + downgrade.stderr, /downgraded.*--allow-downgrades|--allow-downgrades/s);
  assert.equal(installedVersion(), VERSION);
  assert.equal(sh(BRIDGE, ['--version']).stdout.trim(), `card-bridge ${VERSION}`);
});

test('rpm --upgrade moves the previous release\'s RPM to this one and refuses the way back', () => {
  const previousRpm = onlyFile(PREVIOUS_LINUX, '.rpm');
  const rpm = onlyFile(LINUX_OUT, '.rpm');
  assert.equal(rpmVersion(rpm), VERSION);
  const previous = rpmVersion(previousRpm);
  const root = mkdtempSync(path.join(scratch, 'rpm-root-'));
  const rpmIn = (...args) => sh('rpm', ['--root', root, ...args], { env: { ...process.env, HOME: root } });
  assert.equal(rpmIn('--initdb').status, 0);
  // The scratch root has no C library or PC/SC service: only the packages' own files are tried.
  const first = rpmIn('--install', '--nodeps', previousRpm);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(hello(path.join(root, BRIDGE)).args.bridge_version, previous);
  const upgrade = rpmIn('--upgrade', '--nodeps', rpm);
  assert.equal(upgrade.status, 0, upgrade.stderr);
  assert.deepEqual(rpmIn('-q', PACKAGE).stdout.trim().split('\n'), [`${PACKAGE}-${VERSION}-1.${process.arch === 'x64' ? 'x86_64' : 'aarch64'}`]);
  assert.equal(hello(path.join(root, BRIDGE)).args.bridge_version, VERSION);
  for (const folder of HOST_FOLDERS) {
    const file = path.join(root, folder, 'native-messaging-hosts', HOST);
    assert.ok(realpathSync(file).startsWith(root), `${file} leads out of the root`);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).path, BRIDGE);
  }
  const back = rpmIn('--upgrade', '--nodeps', previousRpm);
  assert.notEqual(back.status, 0, 'rpm installed the previous release over this one');
  assert.match(back.stderr, /which is newer than .* is already installed/);
  assert.equal(hello(path.join(root, BRIDGE)).args.bridge_version, VERSION);
  assert.ok(lstatSync(path.join(root, BRIDGE)).mode & 0o111);
});
