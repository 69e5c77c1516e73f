//! The previous release, as CHANGELOG.md names it, built from its commit: its card bridge, its
//! Linux packages and its MSIs, so the tests can run today's parts against it and install today's
//! packages over its own (ARCHITECTURE.md, "Releases that live together").
//!
//! A clone may come without tags, so the release is found by the commit its changelog section
//! names. Its sources are taken with `git archive` (no second work tree to register or clean up)
//! and built with this repository's `target/` as theirs: the crates both releases use at the same
//! version are compiled once, and only the workspace's own are built again. What is built is kept
//! in `target/previous-release/<version>/` with the commit it came from, so a machine builds it
//! once.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use crate::run::{fail, log, output, run, Failure, Tasks};

type Result<T = ()> = std::result::Result<T, Failure>;

/// A release CHANGELOG.md names: its version and the commit it was made from.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Release {
    pub(crate) version: String,
    pub(crate) commit: String,
}

/// The newest release in `changelog` that names its commit (the working version's section names
/// none): a heading `## <version> — <date>` followed by a line `Commit: <40 hex digits>`.
pub(crate) fn newest_release(changelog: &str) -> Option<Release> {
    let mut version = None;
    for line in changelog.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            version = heading.split_whitespace().next().map(str::to_owned);
        } else if let Some(commit) = line.strip_prefix("Commit: ") {
            let commit = commit.trim();
            if commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()) {
                return version.map(|version| Release { version, commit: commit.to_owned() });
            }
        }
    }
    None
}

/// What the previous release's build left: its folder, and in it
/// - `card-bridge` (Linux, release build, the development or the release's extension ids as
///   this run's settings say),
/// - `linux/` its `.deb` and `.rpm`,
/// - `windows/` its `.exe` and both MSIs,
/// - `extension/` its extension's development build (the folder Chromium loads unpacked).
pub(crate) struct Built {
    pub(crate) release: Release,
    pub(crate) dir: PathBuf,
}

impl Built {
    pub(crate) fn bridge(&self) -> PathBuf {
        self.dir.join("card-bridge")
    }
}

/// Builds the previous release's parts, unless this machine has them from the same commit.
/// Needs the settings `packages` puts in the environment (store ids, signing).
pub(crate) fn build(tasks: &mut Tasks) -> Result<Built> {
    let changelog = std::fs::read_to_string(tasks.path("CHANGELOG.md"))
        .map_err(|err| Failure(format!("CHANGELOG.md: {err}")))?;
    let Some(release) = newest_release(&changelog) else {
        return fail("CHANGELOG.md names no release with its commit");
    };
    let dir = tasks.path(&format!("target/previous-release/{}", release.version));
    let built = Built { release, dir };
    let stamp = built.dir.join("commit");
    let name = format!(
        "the previous release's card bridge ({} at {}), its Linux packages and MSIs",
        built.release.version,
        &built.release.commit[..12]
    );
    tasks.step(&name, |tasks| {
        if std::fs::read_to_string(&stamp).ok().as_deref() == Some(&built.release.commit) {
            log("built already on this machine");
            return Ok(());
        }
        build_from_commit(tasks, &built)?;
        std::fs::write(&stamp, &built.release.commit).map_err(|err| Failure(err.to_string()))
    })?;
    Ok(built)
}

fn build_from_commit(tasks: &Tasks, built: &Built) -> Result {
    let Release { version, commit } = &built.release;
    let known = Command::new("git")
        .current_dir(tasks.path(""))
        .args(["cat-file", "-e", &format!("{commit}^{{commit}}")])
        .status()
        .is_ok_and(|status| status.success());
    if !known {
        return fail(format!(
            "CHANGELOG.md's release {version} was made from commit {commit}, which this clone \
             does not have: fetch the history (git fetch --unshallow origin)"
        ));
    }
    let _ = std::fs::remove_dir_all(&built.dir);
    let src = built.dir.join("src");
    std::fs::create_dir_all(&src).map_err(|err| Failure(err.to_string()))?;
    run(Command::new("bash")
        .current_dir(tasks.path(""))
        .args([
            "-c",
            r#"set -o pipefail; git archive --format=tar "$1" | tar -x -C "$2""#,
            "archive",
            commit,
        ])
        .arg(&src))?;
    // Time stamps in the packages: the release's commit's, as its own build would have them.
    let epoch = output(Command::new("git").current_dir(tasks.path("")).args([
        "log",
        "-1",
        "--format=%ct",
        commit,
    ]))?;
    // The release's builds put their cargo output in its `target/`: this repository's, so the
    // standard library and the crates both releases use are built once (for Windows too).
    let target = tasks.path("target");
    std::os::unix::fs::symlink(&target, src.join("target"))
        .map_err(|err| Failure(err.to_string()))?;
    let command = |program: &str| {
        let mut command = tasks.command(program);
        command
            .current_dir(&src)
            .env_remove("CARGO_TARGET_DIR")
            .env("SOURCE_DATE_EPOCH", epoch.trim());
        command
    };
    run(command("cargo").args(["build", "--release", "--locked", "-p", "card-bridge"]))?;
    copy(&target.join("release/card-bridge"), &built.bridge())?;
    // Today's bridge back in target/release (cargo links a fresh build's program there again).
    run(tasks.command("cargo").args(["build", "--release", "--locked", "-p", "card-bridge"]))?;
    let linux = built.dir.join("linux");
    run(command("bash").arg("packaging/linux/build-deb.sh").arg(built.bridge()).arg(&linux))?;
    run(command("bash").arg("packaging/linux/build-rpm.sh").arg(built.bridge()).arg(&linux))?;
    run(command("bash").arg("packaging/windows/build.sh").arg(built.dir.join("windows")))?;
    // Its extension, loaded unpacked as the tests load today's (its folder is its development
    // build).
    run(Command::new("cp").arg("-a").arg(src.join("extension")).arg(built.dir.join("extension")))?;
    // Its sources are no longer needed; its packages and its extension are. (The link first: `remove_dir_all`
    // does not follow it, but nothing should look through it again.)
    std::fs::remove_file(src.join("target")).map_err(|err| Failure(err.to_string()))?;
    std::fs::remove_dir_all(&src).map_err(|err| Failure(err.to_string()))
}

fn copy(from: &Path, to: &Path) -> Result {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|err| Failure(format!("{} → {}: {err}", from.display(), to.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_release_with_a_commit_is_found_below_the_working_version() {
        let changelog = "# Changelog\n\nText naming `## 9.9.9`.\n\n## 0.3.0 — unreleased\n\n- work\n\n\
                         ## 0.2.0 — 2027-01-10\n\nCommit: 0123456789abcdef0123456789abcdef01234567\n\n\
                         ## 0.1.0 — 2026-12-07\n\nCommit: a5decd883e1b9bd83f7dd336ad6468bd45c03d92\n";
        assert_eq!(
            newest_release(changelog),
            Some(Release {
                version: "0.2.0".into(),
                commit: "0123456789abcdef0123456789abcdef01234567".into()
            })
        );
        assert_eq!(newest_release("## 0.1.0 — unreleased\n\nCommit: abc\n"), None);
        assert_eq!(newest_release("# Changelog\n"), None);
    }

    #[test]
    fn the_changelog_names_the_previous_release_by_its_commit() {
        let changelog = include_str!("../../CHANGELOG.md");
        let release = newest_release(changelog).expect("CHANGELOG.md names a release");
        let working = include_str!("../../Cargo.toml")
            .lines()
            .find_map(|line| line.strip_prefix("version = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .expect("Cargo.toml names the workspace version");
        assert_ne!(release.version, working, "the working version moves on after a release");
    }
}
