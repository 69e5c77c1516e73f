// apt with a configuration of its own, reading one repository: its sources, lists and cache in a
// scratch folder, so the machine's sources are neither read nor changed. What it installs goes
// into this machine's dpkg database, as from any source. Used by the repository's tests
// (apt-repo.test.mjs, upgrade.test.mjs) and the end-to-end project that installs the bridge.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A function that runs apt-get or apt-cache (`tool`) with `args`, reading only the repository in
 * the folder `repo` (suite `stable`, component `main`) and trusting only the key in `keyring`;
 * its state in a new folder `name-…` under `scratch`.
 * @param {string} scratch
 * @param {string} name
 * @param {string} repo
 * @param {string} keyring
 * @returns {(tool: string, ...args: string[]) => import('node:child_process').SpawnSyncReturns<string>}
 */
export function aptWith(scratch, name, repo, keyring) {
  const dir = mkdtempSync(path.join(scratch, `${name}-`));
  for (const sub of ['lists/partial', 'cache/archives/partial', 'parts']) mkdirSync(path.join(dir, sub), { recursive: true });
  writeFileSync(path.join(dir, 'sources.list'), `deb [signed-by=${keyring}] file:${repo} stable main\n`);
  const options = [
    `Dir::Etc::SourceList=${path.join(dir, 'sources.list')}`,
    `Dir::Etc::SourceParts=${path.join(dir, 'parts')}`,
    `Dir::State::Lists=${path.join(dir, 'lists')}`,
    `Dir::Cache=${path.join(dir, 'cache')}`,
    // file: sources are read by this user, not by apt's sandbox user.
    'APT::Sandbox::User=root',
  ].flatMap((option) => ['-o', option]);
  return (tool, ...args) =>
    spawnSync(tool, [...options, ...args], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
