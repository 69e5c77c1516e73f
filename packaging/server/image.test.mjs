// The server's OCI image (build-image.sh), read back by skopeo and run by runc as a container
// runtime would: from its own configuration, with a read-only root file system, as user 10001.
// Needs root (runc without a rootless set-up); run by the test command:
//
//   EHCERT_SERVER_IMAGE=target/packages/server/image node --test packaging/server/image.test.mjs
//
// Proven here: the image's configuration as registries and runtimes read it, its contents, and
// the server starting in it, answering /healthz and the page, its `--health` succeeding inside
// and SIGTERM stopping it. Not proven here: a registry push and pull, Docker, Podman or
// Kubernetes themselves (this machine runs no container daemon), and its own network namespace
// (the container shares this machine's, so the test reaches the server on the loopback).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.resolve(process.env.EHCERT_SERVER_IMAGE ?? path.join(ROOT, 'target/packages/server/image'));
const VERSION = /\[workspace\.package\][^[]*?version = "([^"]+)"/.exec(readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8'))[1];
const LAYOUT = `oci:${path.join(OUT, 'ehcert-serve')}:${VERSION}`;
const ARCHIVE = `oci-archive:${path.join(OUT, `ehcert-serve-${VERSION}.oci.tar`)}:${VERSION}`;
const DIST = path.join(ROOT, 'dist');

const scratch = mkdtempSync(path.join(tmpdir(), 'ehcert-image-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The image unpacked once into a runtime bundle (umoci: rootfs/ and a runtime config.json). */
let bundle;
function unpacked() {
  if (!bundle) {
    bundle = path.join(scratch, 'bundle');
    sh('umoci', ['unpack', '--image', `${path.join(OUT, 'ehcert-serve')}:${VERSION}`, bundle]);
  }
  return bundle;
}

test('skopeo reads the image, from its layout and its archive: user, entry point, port, labels with the version', () => {
  for (const image of [LAYOUT, ARCHIVE]) {
    const config = JSON.parse(sh('skopeo', ['inspect', '--config', image])).config;
    assert.equal(config.User, '10001:10001', 'not root');
    assert.deepEqual(config.Entrypoint, ['/usr/bin/ehcert-serve']);
    assert.deepEqual(Object.keys(config.ExposedPorts), ['8080/tcp']);
    assert.ok(config.Env.includes('EHCERT_SERVE_LISTEN=0.0.0.0:8080'));
    assert.ok(config.Env.includes('EHCERT_SERVE_DIST=/usr/share/ehcert-serve/app'));
    assert.equal(config.StopSignal, 'SIGTERM');
    const inspected = JSON.parse(sh('skopeo', ['inspect', image]));
    assert.equal(inspected.Labels['org.opencontainers.image.version'], VERSION);
    assert.equal(inspected.Labels['org.opencontainers.image.title'], 'ehcert-serve');
    assert.equal(inspected.Labels['org.opencontainers.image.licenses'], 'EUPL-1.2');
    assert.equal(inspected.Labels['be.ehcert.healthcheck'], '/usr/bin/ehcert-serve --health');
    assert.equal(inspected.Os, 'linux');
    assert.equal(inspected.Layers.length, 1);
  }
});

test('the image holds the server, the app as built and the libraries it links against, and no shell', () => {
  const rootfs = path.join(unpacked(), 'rootfs');
  assert.equal(readFileSync(path.join(rootfs, 'usr/share/ehcert-serve/app/index.html'), 'utf8'), readFileSync(path.join(DIST, 'index.html'), 'utf8'));
  assert.deepEqual(readFileSync(path.join(rootfs, 'usr/share/ehcert-serve/app/ehcert-app_bg.wasm')), readFileSync(path.join(DIST, 'ehcert-app_bg.wasm')));
  for (const file of ['usr/bin/ehcert-serve', 'etc/ssl/certs/ca-certificates.crt', 'usr/share/doc/ehcert-serve/copyright', 'usr/share/doc/libc6/copyright']) {
    assert.ok(existsSync(path.join(rootfs, file)), file);
  }
  for (const shell of ['bin/sh', 'usr/bin/sh', 'bin/bash', 'usr/bin/apt']) assert.equal(existsSync(path.join(rootfs, shell)), false, shell);
  assert.deepEqual(readdirSync(path.join(rootfs, 'usr/bin')), ['ehcert-serve']);
});

/** A port nothing listens on. */
async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

test('runc runs it read-only as user 10001: /healthz and the page answer, its --health succeeds inside, SIGTERM stops it', async () => {
  const dir = unpacked();
  const configFile = path.join(dir, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  assert.deepEqual(config.process.args, ['/usr/bin/ehcert-serve'], 'from the image configuration');
  assert.deepEqual([config.process.user.uid, config.process.user.gid], [10001, 10001]);
  // Read-only, as an operator should run it; this machine's network, to reach it on a free port.
  const port = await freePort();
  config.root.readonly = true;
  config.process.terminal = false;
  config.process.env = [...config.process.env.filter((e) => !e.startsWith('EHCERT_SERVE_LISTEN=')), `EHCERT_SERVE_LISTEN=127.0.0.1:${port}`];
  config.linux.namespaces = config.linux.namespaces.filter((namespace) => namespace.type !== 'network');
  writeFileSync(configFile, JSON.stringify(config));
  const id = `ehcert-test-${process.pid}`;
  const container = spawn('runc', ['run', '--bundle', dir, id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  container.stdout.on('data', (chunk) => (output += chunk));
  container.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => container.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    const deadline = Date.now() + 15_000;
    while (!output.includes('listening on') && Date.now() < deadline && container.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    assert.match(output, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`), `the server in the container: ${output}`);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /^default-src 'none'/);
    // The health check a runtime runs inside the container, and one that finds no server.
    sh('runc', ['exec', id, '/usr/bin/ehcert-serve', '--health']);
    const wrong = spawnSync('runc', ['exec', id, '/usr/bin/ehcert-serve', '--health', '--listen', '127.0.0.1:1'], { encoding: 'utf8' });
    assert.equal(wrong.status, 2, wrong.stdout + wrong.stderr);
    // Nothing could be written: the root is read-only.
    const written = spawnSync('runc', ['exec', id, '/usr/bin/ehcert-serve', '--export-nginx', '/nginx'], { encoding: 'utf8' });
    assert.notEqual(written.status, 0, 'the container wrote into its root file system');
    assert.match(written.stderr, /Read-only file system/);
    sh('runc', ['kill', id, 'TERM']);
    const { code } = await exited;
    assert.equal(code, 0, output);
    assert.match(output, /ehcert-serve: stopped/);
  } finally {
    spawnSync('runc', ['kill', id, 'KILL']);
    spawnSync('runc', ['delete', '--force', id]);
  }
});
