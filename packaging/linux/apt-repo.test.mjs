// The apt repository packaging/linux/apt-repo.sh publishes, read back by apt itself and by gpgv,
// as a machine given the repository's line and keyring would: `apt-get update` checks InRelease
// against the keyring named by `signed-by` and the package indices against InRelease's hashes.
// apt runs with a configuration of its own (sources, lists, cache in a scratch folder), so the
// machine's sources are neither read nor changed; nothing is installed here (the end-to-end
// project `installed-bridge` installs the bridge from this repository).
//
//   EHCERT_APT_REPO=target/packages/apt/repo node --test packaging/linux/apt-repo.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { aptWith as aptIn } from './apt-scratch.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REPO = path.resolve(process.env.EHCERT_APT_REPO ?? path.join(ROOT, 'target/packages/apt/repo'));
const KEYRING = path.join(REPO, 'ehcert-archive-keyring.gpg');
const VERSION = /\[workspace\.package\][^[]*?version = "([^"]+)"/.exec(readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8'))[1];
const PACKAGES = ['ehcert-card-bridge', 'ehcert-probe'];

const scratch = mkdtempSync(path.join(tmpdir(), 'ehcert-apt-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const aptWith = (name, repo, keyring) => aptIn(scratch, name, repo, keyring);

function sh(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', ...options });
}

/** apt knows no version of the bridge to install (an unknown package has no policy at all). */
function assertNoCandidate(apt) {
  const policy = apt('apt-cache', 'policy', 'ehcert-card-bridge');
  assert.equal(policy.status, 0, policy.stderr);
  assert.doesNotMatch(policy.stdout, /Candidate: [0-9]/, policy.stdout);
}

/** Field `name` of a Debian control paragraph (Release, Packages). */
function field(paragraph, name) {
  return new RegExp(`^${name}: (.*)$`, 'm').exec(paragraph)?.[1];
}

test('apt-get update takes the repository, and both packages are candidates at this version', () => {
  const apt = aptWith('good', REPO, KEYRING);
  const update = apt('apt-get', 'update');
  assert.equal(update.status, 0, update.stdout + update.stderr);
  assert.doesNotMatch(update.stdout + update.stderr, /^(W|E):/m, 'apt warned');
  for (const name of PACKAGES) {
    const policy = apt('apt-cache', 'policy', name).stdout;
    assert.equal(/Candidate: (.*)/.exec(policy)?.[1], VERSION, policy);
    assert.match(policy, new RegExp(`500 file:${REPO} stable/main amd64 Packages`));
  }
  const show = apt('apt-cache', 'show', 'ehcert-card-bridge').stdout;
  assert.match(field(show, 'Depends'), /\bpcscd\b/);
  // The index names the pool's file with its size and SHA-256: those of the file served.
  const file = path.join(REPO, field(show, 'Filename'));
  const bytes = readFileSync(file);
  assert.equal(Number(field(show, 'Size')), bytes.length);
  assert.equal(field(show, 'SHA256'), createHash('sha256').update(bytes).digest('hex'));
});

test('Release says the suite, the architectures and the component, and both its signatures verify with the keyring', () => {
  const dists = path.join(REPO, 'dists/stable');
  const release = readFileSync(path.join(dists, 'Release'), 'utf8');
  assert.equal(field(release, 'Suite'), 'stable');
  assert.equal(field(release, 'Codename'), 'stable');
  assert.equal(field(release, 'Architectures'), 'amd64 arm64');
  assert.equal(field(release, 'Components'), 'main');
  assert.equal(field(release, 'Origin'), 'ehcert');
  const inline = sh('gpgv', ['--keyring', KEYRING, path.join(dists, 'InRelease')]);
  assert.equal(inline.status, 0, inline.stderr);
  const detached = sh('gpgv', ['--keyring', KEYRING, path.join(dists, 'Release.gpg'), path.join(dists, 'Release')]);
  assert.equal(detached.status, 0, detached.stderr);
});

test('a machine given another key refuses the repository and installs nothing from it', () => {
  const home = mkdtempSync(path.join(scratch, 'gnupg-'));
  const env = { ...process.env, GNUPGHOME: home };
  assert.equal(sh('gpg', ['--batch', '--quiet', '--passphrase', '', '--quick-gen-key', 'another <other@ehcert.invalid>', 'ed25519', 'sign', 'never'], { env }).status, 0);
  const other = path.join(scratch, 'other.gpg');
  writeFileSync(other, sh('gpg', ['--batch', '--export'], { env, encoding: 'buffer' }).stdout);
  sh('gpgconf', ['--kill', 'all'], { env });
  const apt = aptWith('other-key', REPO, other);
  const update = apt('apt-get', 'update');
  assert.notEqual(update.status, 0, 'apt-get update accepted a repository signed by a key it was not given');
  assert.match(update.stdout + update.stderr, /NO_PUBKEY|not signed/);
  assertNoCandidate(apt);
});

test('an index changed after signing is refused', () => {
  const copy = path.join(scratch, 'tampered');
  cpSync(REPO, copy, { recursive: true });
  const index = path.join(copy, 'dists/stable/main/binary-amd64/Packages');
  const tampered = readFileSync(index, 'utf8').replace(/^Depends: .*$/m, 'Depends: libc6');
  writeFileSync(index, tampered);
  writeFileSync(`${index}.gz`, gzipSync(tampered));
  const apt = aptWith('tampered', copy, path.join(copy, 'ehcert-archive-keyring.gpg'));
  const update = apt('apt-get', 'update');
  assert.notEqual(update.status, 0, 'apt-get update took an index whose hash InRelease does not name');
  assert.match(update.stdout + update.stderr, /Hash Sum mismatch|unexpected size/);
  assertNoCandidate(apt);
});
