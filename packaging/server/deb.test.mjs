// The server's Debian package (build-deb.sh) installed on this machine as an operator installs
// it, then purged. Needs root and a machine without the package; run by the test command after
// lintian:
//
//   EHCERT_SERVER_DEB=target/packages/server/ehcert-serve_<version>_<arch>.deb \
//     node --test packaging/server/deb.test.mjs
//
// Proven here: dpkg installs it with its dependencies met, enables the service, systemd's own
// checker accepts the unit, the configuration it installs checks, and the server started as the
// unit starts it (its ExecStartPre, then its ExecStart, as an unprivileged user, as DynamicUser
// would) serves /healthz and the app with its CSP; purged, nothing of it is left. Not proven
// here: systemd starting it (this machine runs no systemd, so the package starts nothing, as
// Debian's own packages do in a container), and the sandboxing directives of the unit in force.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';

const DEB = process.env.EHCERT_SERVER_DEB;
const PACKAGE = 'ehcert-serve';
const UNIT = `/lib/systemd/system/${PACKAGE}.service`;
const WANTS = `/etc/systemd/system/multi-user.target.wants/${PACKAGE}.service`;

function sh(command, args, options = {}) {
  return spawnSync(command, args, { encoding: 'utf8', ...options });
}

/** The command lines of the unit's `key=` lines (ExecStart, ExecStartPre), as argument lists. */
function unitCommand(unit, key) {
  const line = unit.split('\n').find((l) => l.startsWith(`${key}=`));
  assert.ok(line, `${key} in the unit`);
  return line.slice(key.length + 1).trim().split(/\s+/);
}

before(() => {
  assert.ok(DEB && existsSync(DEB), 'EHCERT_SERVER_DEB: the package (the test command builds it)');
  assert.equal(process.getuid?.(), 0, 'installing a Debian package needs root');
  const status = sh('dpkg-query', ['-W', '-f', '${Status}', PACKAGE]).stdout;
  assert.doesNotMatch(status, /installed/, `${PACKAGE} is installed on this machine already: remove it first (dpkg --purge ${PACKAGE})`);
});

after(() => {
  sh('dpkg', ['--purge', PACKAGE]);
});

test('installed with dpkg: enabled, its unit and configuration accepted, and started as the unit says it serves /healthz and the page', async () => {
  const installed = sh('dpkg', ['--install', DEB]);
  assert.equal(installed.status, 0, installed.stdout + installed.stderr);
  assert.equal(readlinkSync(WANTS), UNIT, 'enabled for multi-user.target');
  const verify = sh('systemd-analyze', ['verify', UNIT]);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.equal(verify.stderr.trim(), '', 'systemd-analyze has nothing to say about the unit');

  const unit = readFileSync(UNIT, 'utf8');
  assert.match(unit, /^DynamicUser=yes$/m);
  // Unprivileged, as DynamicUser runs it: the program, the app and the configuration are readable
  // by anyone, and nothing needs writing.
  const asNobody = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--no-new-privs'];
  const [checkProgram, ...checkArgs] = unitCommand(unit, 'ExecStartPre');
  const check = sh(asNobody[0], [...asNobody.slice(1), checkProgram, ...checkArgs]);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /\/usr\/share\/ehcert-serve\/app/);

  const [program, ...args] = unitCommand(unit, 'ExecStart');
  assert.equal(program, '/usr/bin/ehcert-serve');
  // The packaged configuration listens on 127.0.0.1:8080; here on a free port (the environment
  // wins over the file).
  const server = spawn(asNobody[0], [...asNobody.slice(1), program, ...args], {
    env: { ...process.env, EHCERT_SERVE_LISTEN: '127.0.0.1:0', EHCERT_SERVE_ACCESS_LOG: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise((resolve, reject) => {
      let output = '';
      server.stdout.on('data', (chunk) => {
        output += chunk;
        const found = /listening on (http:\/\/\S+)/.exec(output);
        if (found) resolve(found[1]);
      });
      server.stderr.on('data', (chunk) => (output += chunk));
      server.once('exit', (code) => reject(new Error(`ehcert-serve exited with ${code}: ${output}`)));
    });
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /^default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    // The installed app, offering the environment the packaged configuration names.
    const html = await page.text();
    assert.match(html, /<meta name="ehcert-environments" content="production">/);
    assert.match(html, /\/ehcert-app_bg\.wasm/);
    const served = await fetch(`${url}/ehcert-app_bg.wasm`);
    assert.equal(served.status, 200);
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), readFileSync('/usr/share/ehcert-serve/app/ehcert-app_bg.wasm'));
  } finally {
    server.kill('SIGTERM');
  }
});

test('purged, it leaves nothing: program, app, unit, enablement and configuration', () => {
  const files = sh('dpkg', ['--listfiles', PACKAGE]).stdout.split('\n').filter((file) => file && existsSync(file) && !statSync(file).isDirectory());
  assert.ok(files.includes('/etc/ehcert/ehcert.toml') && files.includes('/usr/bin/ehcert-serve'), 'the files dpkg lists');
  const purged = sh('dpkg', ['--purge', PACKAGE]);
  assert.equal(purged.status, 0, purged.stdout + purged.stderr);
  for (const file of [...files, WANTS, '/etc/ehcert']) assert.equal(existsSync(file), false, `${file} is left`);
});
