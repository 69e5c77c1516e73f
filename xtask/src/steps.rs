//! The steps. Each builds or installs what it needs through [`Tasks::step`], so a part shared by
//! two steps (the app's build, the native servers, the Debian package) runs once per run.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command},
};

use crate::previous;
use crate::run::{answers, fail, flags, log, number, output, run, Failure, Tasks};

type Result<T = ()> = std::result::Result<T, Failure>;
/// A step's function, as `crate::STEPS` lists it.
type StepFn = fn(&mut Tasks, &[String]) -> Result;

const TRUNK_VERSION: &str = "~0.21";
const DENY_VERSION: &str = "0.20.2";
/// rcodesign, which signs the macOS bridge and package and sends them to Apple's notary service
/// without a Mac (packaging/README.md, macOS).
const RCODESIGN_VERSION: &str = "0.29.0";
/// The soak's names in the native tests: run apart, with their figures (`unit`, `soak`).
const SOAK_TESTS: [&str; 2] =
    ["no_key_is_lost_and_none_is_requested_twice", "a_kiosk_loses_no_key_it_downloaded"];
/// The Playwright projects (e2e/playwright.config.ts).
const E2E_PROJECTS: [&str; 7] = [
    "ehcert-serve",
    "nginx",
    "firefox",
    "previous-bridge",
    "previous-extension",
    "kiosk-policy",
    "installed-bridge",
];

fn no_arguments(args: &[String]) -> Result {
    match args.first() {
        Some(arg) => fail(format!("unexpected argument {arg}")),
        None => Ok(()),
    }
}

// --- set-up ---------------------------------------------------------------------------------

pub(crate) fn setup(tasks: &mut Tasks, args: &[String]) -> Result {
    no_arguments(args)?;
    crates(tasks)?;
    app_tools(tasks)?;
    npm(tasks)?;
    deny_tool(tasks)
}

/// Every crate of Cargo.lock, for every target (cargo fetch without --target): cargo-deny reads
/// the metadata of all targets offline, and a fresh machine has only the crates of the targets
/// it built (wasi, core-foundation and windows-sys would be missing).
fn crates(tasks: &mut Tasks) -> Result {
    tasks.step("cargo fetch", |tasks| run(tasks.command("cargo").args(["fetch", "--locked"])))
}

/// wasm-bindgen (exactly Cargo.lock's version) and Trunk, which build the app.
fn app_tools(tasks: &mut Tasks) -> Result {
    tasks.step("wasm-bindgen and trunk", |tasks| {
        let lock = std::fs::read_to_string(tasks.path("Cargo.lock"))
            .map_err(|err| Failure(format!("Cargo.lock: {err}")))?;
        let bindgen = locked_version(&lock, "wasm-bindgen")
            .ok_or_else(|| Failure("Cargo.lock has no wasm-bindgen".into()))?;
        if answers("wasm-bindgen", &["--version"]) != Some(format!("wasm-bindgen {bindgen}")) {
            log(&format!("installing wasm-bindgen-cli {bindgen} (about 4 minutes cold)"));
            // Not --locked: its lock file pins a yanked crate for some versions.
            run(tool_install(tasks).args(["install", "wasm-bindgen-cli", "--version", &bindgen]))?;
        }
        if !answers("trunk", &["--version"])
            .is_some_and(|version| version.starts_with("trunk 0.21."))
        {
            cargo_install(tasks, "trunk", TRUNK_VERSION, &[], 5)?;
        }
        Ok(())
    })
}

/// `cargo install --locked` of a tool at `version` (its own lock file), saying how long it takes
/// on a fresh machine.
fn cargo_install(
    tasks: &Tasks,
    name: &str,
    version: &str,
    extra: &[&str],
    cold_minutes: u32,
) -> Result {
    log(&format!("installing {name} {version} (about {cold_minutes} minutes cold)"));
    run(tool_install(tasks).args(["install", name, "--version", version, "--locked"]).args(extra))
}

/// `cargo` for installing a build tool, with a release profile that builds fast instead of
/// running fast. Trunk and cargo-deny ask for fat LTO in one codegen unit, which on two cores
/// spends minutes linking tools that then run for seconds: measured on cargo-deny, 2 min 36 s
/// becomes 1 min 38 s and `cargo deny check` takes the same 1.6 s. Cargo's configuration (here
/// its environment) overrides a package's own profile (The Cargo Book, "Profiles": "Overrides").
fn tool_install(tasks: &Tasks) -> Command {
    let mut cargo = tasks.command("cargo");
    cargo
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1");
    cargo
}

/// The version Cargo.lock pins for `name`.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let mut lines = lock.lines();
    lines.find(|line| *line == format!("name = \"{name}\""))?;
    let version = lines.next()?.strip_prefix("version = \"")?.strip_suffix('"')?;
    Some(version.to_owned())
}

fn deny_tool(tasks: &mut Tasks) -> Result {
    tasks.step("cargo-deny", |tasks| {
        if answers("cargo-deny", &["--version"]) != Some(format!("cargo-deny {DENY_VERSION}")) {
            cargo_install(tasks, "cargo-deny", DENY_VERSION, &[], 2)?;
        }
        Ok(())
    })
}

/// The npm projects: the app's build tools (binaryen) and the end-to-end suite (Playwright, the
/// TypeScript compiler that type-checks the extension, web-ext and addons-linter).
fn npm(tasks: &mut Tasks) -> Result {
    tasks.step("npm packages", |tasks| {
        for project in ["app", "e2e"] {
            let lock = tasks.path(&format!("{project}/package-lock.json"));
            let installed = tasks.path(&format!("{project}/node_modules/.ehcert-installed-lock"));
            if std::fs::read(&lock).ok() != std::fs::read(&installed).ok() || !installed.exists() {
                log(&format!("installing the npm packages of {project}/"));
                run(tasks.command("npm").current_dir(tasks.path(project)).args([
                    "ci",
                    "--no-audit",
                    "--no-fund",
                ]))?;
                std::fs::copy(&lock, &installed)
                    .map_err(|err| Failure(format!("{project}: {err}")))?;
            }
        }
        Ok(())
    })
}

// --- the workspace, as cargo metadata describes it ------------------------------------------------

/// The workspace's packages: those built natively (its default members) and those the app is
/// made of (the app and its path dependencies, built for wasm32).
struct Workspace {
    native: Vec<String>,
    wasm: Vec<String>,
}

fn workspace(tasks: &Tasks) -> Result<Workspace> {
    let text = output(tasks.command("cargo").args([
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
        "--locked",
    ]))?;
    let metadata: serde_json::Value =
        serde_json::from_str(&text).map_err(|err| Failure(format!("cargo metadata: {err}")))?;
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let name_of = |id: &serde_json::Value| {
        packages
            .iter()
            .find(|package| package["id"] == *id)
            .and_then(|package| package["name"].as_str())
    };
    let native: Vec<String> = metadata["workspace_default_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|id| name_of(id).map(str::to_owned))
        .collect();
    // The app, then every workspace package it reaches through path dependencies.
    let mut wasm = vec!["ehcert-app".to_owned()];
    let mut at = 0;
    while at < wasm.len() {
        let package = packages.iter().find(|package| package["name"] == wasm[at].as_str());
        for dependency in
            package.and_then(|package| package["dependencies"].as_array()).into_iter().flatten()
        {
            let kind = dependency["kind"].as_str();
            if dependency["path"].is_string() && kind != Some("dev") && kind != Some("build") {
                let name = dependency["name"].as_str().unwrap_or_default().to_owned();
                if !wasm.contains(&name) {
                    wasm.push(name);
                }
            }
        }
        at += 1;
    }
    if native.is_empty() || wasm.len() < 2 {
        return fail("cargo metadata named no workspace packages");
    }
    Ok(Workspace { native, wasm })
}

// --- toolchain for wasm32 -----------------------------------------------------------------------

/// Whether wasm32 builds use Debian's Rust (no wasm32 target in rustup's toolchain).
fn uses_debian_rust() -> bool {
    !answers("rustup", &["target", "list", "--installed"])
        .is_some_and(|targets| targets.lines().any(|target| target == "wasm32-unknown-unknown"))
}

/// `command` set up to build for wasm32-unknown-unknown: rustup's toolchain where its wasm32
/// target is installed, otherwise Debian's Rust with std built from source (cargo's build-std,
/// unlocked on a stable compiler with RUSTC_BOOTSTRAP). The app's npm tools (binaryen's wasm-opt)
/// come first on PATH, before any older system copy.
fn for_wasm(tasks: &Tasks, mut command: Command) -> Command {
    let tools = tasks.path("app/node_modules/.bin");
    let path = std::env::var("PATH").unwrap_or_default();
    if !uses_debian_rust() {
        command.env("PATH", format!("{}:{path}", tools.display()));
    } else {
        // std is built here anyway, so a release build can also drop the panic machinery
        // (messages, locations, formatting): a panic is a bug that ends the app either way, and
        // the app's errors are values, never panics. About 18 KB gzip off the download
        // (app/PRODUCT.md §6). std's `optimize_for_size` picks its smaller implementations
        // (sorting, formatting, collections): 6.3 KB gzip less, measured on the app.
        command
            .env("PATH", format!("{}:/usr/bin:{path}", tools.display()))
            // `cargo run` points these at rustup's toolchain; Debian's cargo must not see them.
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO")
            .env_remove("RUSTC")
            .env_remove("LD_LIBRARY_PATH")
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
            .env("CARGO_UNSTABLE_PANIC_IMMEDIATE_ABORT", "true")
            .env("CARGO_PROFILE_RELEASE_PANIC", "immediate-abort")
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "/usr/bin/rust-lld")
            .env("CARGO_TARGET_DIR", tasks.path("target/wasm"));
    }
    command
}

/// `cargo clippy` for wasm32. With Debian's Rust, its clippy is called by its own path: cargo
/// looks for a subcommand in `$CARGO_HOME/bin` before PATH when CARGO_HOME is set, and finds
/// rustup's proxy there, whose toolchain has no standard library sources to build for wasm32.
fn wasm_clippy(tasks: &Tasks) -> Command {
    let debian = Path::new("/usr/bin/cargo-clippy");
    let mut clippy = for_wasm(tasks, tasks.command("cargo"));
    if uses_debian_rust() && debian.is_file() {
        clippy = for_wasm(tasks, tasks.command(debian));
        // cargo-clippy runs `$CARGO check` with its own clippy-driver.
        clippy.env("CARGO", "/usr/bin/cargo");
    }
    clippy.arg("clippy");
    clippy
}

// --- check ------------------------------------------------------------------------------------

pub(crate) fn check(tasks: &mut Tasks, args: &[String]) -> Result {
    no_arguments(args)?;
    crates(tasks)?;
    npm(tasks)?;
    tasks.step("cargo fmt --check", |tasks| {
        run(tasks.command("cargo").args(["fmt", "--all", "--check"]))
    })?;
    let workspace = workspace(tasks)?;
    tasks.step(
        "clippy, native (one package at a time, so features cannot hide errors)",
        |tasks| {
            for package in &workspace.native {
                run(tasks.command("cargo").args([
                    "clippy",
                    "--locked",
                    "-p",
                    package,
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ]))?;
            }
            Ok(())
        },
    )?;
    tasks.step("clippy, the app and the libraries it is made of, for wasm32", |tasks| {
        let mut clippy = wasm_clippy(tasks);
        clippy.arg("--locked");
        for package in &workspace.wasm {
            clippy.args(["-p", package]);
        }
        clippy.args([
            "--target",
            "wasm32-unknown-unknown",
            "--lib",
            "--bins",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]);
        run(&mut clippy)
    })?;
    tasks.step("no two modules import each other", |tasks| {
        run(tasks.command("node").arg(".ci/module-cycles.mjs"))
    })?;
    tasks.step("every document and section the code cites is in the repository", |tasks| {
        run(tasks.command("node").arg(".ci/citations.mjs"))
    })?;
    tasks.step("the screens' words are the glossary's (app/lang/GLOSSARY.md)", |tasks| {
        run(tasks.command("node").arg(".ci/vocabulary.mjs"))
    })?;
    tasks.step("extension type check (tsc --noEmit over its JSDoc-typed JavaScript)", |tasks| {
        run(tasks.command(tasks.path("e2e/node_modules/.bin/tsc")).args([
            "--noEmit",
            "-p",
            "extension",
        ]))
    })?;
    tasks.step("web-ext lint of the extension's Firefox builds", extension_lint)?;
    deny(tasks)
}

/// The Firefox builds of the extension, development and release, as addons.mozilla.org's linter
/// reads them (warnings as errors). The Chromium builds are not Firefox manifests (a `key`, a
/// service worker), so the linter does not apply to them.
fn extension_lint(tasks: &mut Tasks) -> Result {
    let out = tasks.path("target/extension");
    let _ = std::fs::remove_dir_all(&out);
    for (name, origin) in
        [("firefox-development", None), ("firefox-release", Some("https://ehcert.example.be"))]
    {
        let build = out.join(name);
        let mut command = tasks.command("node");
        command.args(["extension/build.mjs", "--browser", "firefox", "--out"]).arg(&build);
        if let Some(origin) = origin {
            command.args(["--origin", origin]);
        }
        command.stdout(std::process::Stdio::null());
        run(&mut command)?;
        run(tasks
            .command(tasks.path("e2e/node_modules/.bin/web-ext"))
            .args(["lint", "--source-dir"])
            .arg(&build)
            .args(["--warnings-as-errors", "--output", "text"]))?;
    }
    Ok(())
}

/// cargo-deny's licences, bans, sources and advisories (deny.toml). The advisories come from a
/// RustSec snapshot beside the project (`../shared/advisory-db`, or EHCERT_ADVISORY_DB=DIR),
/// never fetched: it is copied as the git checkout cargo-deny reads, into the folder cargo-deny
/// itself names, dated by its newest advisory. Without a snapshot the advisories are skipped,
/// and the run says so.
fn deny(tasks: &mut Tasks) -> Result {
    deny_tool(tasks)?;
    tasks.step("cargo deny", |tasks| {
        let snapshot = std::env::var_os("EHCERT_ADVISORY_DB")
            .map_or_else(|| tasks.path("../shared/advisory-db"), PathBuf::from);
        if !snapshot.join("crates").is_dir() {
            log(&format!(
                "cargo deny: licences, bans, sources (advisories SKIPPED: no RustSec snapshot at {})",
                snapshot.display()
            ));
            return run(tasks.command("cargo").args(["deny", "--offline", "check", "--hide-inclusion-graph", "bans", "licenses", "sources"]));
        }
        let (newest, advisories) = snapshot_advisories(&snapshot)?;
        // The folder's name depends on cargo-deny's version and deny.toml's address: both are in
        // the stamp, so a copy whose stamp matches is still where cargo-deny looks.
        let deny_toml = std::fs::read_to_string(tasks.path("deny.toml")).unwrap_or_default();
        let urls = deny_toml.lines().find(|line| line.starts_with("db-urls")).unwrap_or_default();
        let stamp = format!("{DENY_VERSION} {urls} {newest} {advisories}");
        if stamped_copy(&tasks.path("target/advisory-dbs"), &stamp).is_none() {
            let db = advisory_folder(tasks)?;
            std::fs::create_dir_all(&db).map_err(|err| Failure(format!("{}: {err}", db.display())))?;
            run(Command::new("cp").arg("-r").arg(snapshot.join(".")).arg(&db))?;
            let date = format!("{newest}T00:00:00Z");
            run(Command::new("git").current_dir(&db).args(["init", "-q"]))?;
            run(Command::new("git").current_dir(&db).args(["add", "-A"]))?;
            run(Command::new("git")
                .current_dir(&db)
                .env("GIT_AUTHOR_DATE", &date)
                .env("GIT_COMMITTER_DATE", &date)
                .args(["-c", "user.name=snapshot", "-c", "user.email=snapshot@invalid", "commit", "-qm", "RustSec snapshot"]))?;
            std::fs::write(db.join(".ehcert-stamp"), &stamp).map_err(|err| Failure(err.to_string()))?;
        }
        log(&format!("cargo deny: licences, bans, sources, advisories (RustSec snapshot, newest advisory {newest})"));
        run(tasks.command("cargo").args(["deny", "--offline", "check", "--hide-inclusion-graph"]))
    })
}

/// The folder cargo-deny reads the advisory database from: deny.toml's `db-path`, then a name
/// cargo-deny derives from the database's address. Asked of cargo-deny itself: with the folder
/// missing, `check advisories` says which one it could not open.
fn advisory_folder(tasks: &Tasks) -> Result<PathBuf> {
    let parent = tasks.path("target/advisory-dbs");
    let _ = std::fs::remove_dir_all(&parent);
    let out = tasks
        .command("cargo")
        .args(["deny", "--offline", "check", "advisories"])
        .output()
        .map_err(|err| Failure(format!("cargo deny: {err}")))?;
    let said = String::from_utf8_lossy(&out.stderr);
    let parent_text = parent.display().to_string();
    match advisory_folder_named(&said) {
        Some(name) => Ok(parent.join(name)),
        None => fail(format!(
            "cargo deny did not name its advisory folder under {parent_text}:\n{said}"
        )),
    }
}

/// The advisory folder's name in what cargo-deny said (it names the folder relative to the
/// project, `target/advisory-dbs/advisory-db-<hash>`, when it cannot open it).
fn advisory_folder_named(said: &str) -> Option<String> {
    let at = said.find("advisory-dbs/advisory-db-")? + "advisory-dbs/".len();
    let rest = &said[at..];
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(rest.len());
    let name = &rest[..end];
    (name.len() > "advisory-db-".len()).then(|| name.to_owned())
}

/// The copy under `parent` made by an earlier run with this `stamp`, if any.
fn stamped_copy(parent: &Path, stamp: &str) -> Option<PathBuf> {
    std::fs::read_dir(parent).ok()?.flatten().map(|entry| entry.path()).find(|path| {
        std::fs::read_to_string(path.join(".ehcert-stamp")).ok().as_deref() == Some(stamp)
    })
}

/// The snapshot's newest advisory date and its number of advisories, in one walk.
fn snapshot_advisories(snapshot: &Path) -> Result<(String, usize)> {
    let (mut newest, mut count) = (String::new(), 0);
    let mut stack = vec![snapshot.join("crates"), snapshot.join("rust")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                count += 1;
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let dates = text.lines().filter_map(|line| {
                    line.strip_prefix("date = \"").and_then(|rest| rest.strip_suffix('"'))
                });
                for date in dates {
                    if date.len() == 10 && date > newest.as_str() {
                        newest = date.to_owned();
                    }
                }
            }
        }
    }
    if newest.is_empty() {
        return fail(format!("no dated advisory in {}", snapshot.display()));
    }
    Ok((newest, count))
}

// --- unit ---------------------------------------------------------------------------------------

pub(crate) fn unit(tasks: &mut Tasks, args: &[String]) -> Result {
    no_arguments(args)?;
    crates(tasks)?;
    tasks.step("native unit and integration tests (the fault soak apart)", |tasks| {
        let mut test = tasks.command("cargo");
        test.args(["test", "--locked", "--"]);
        for name in SOAK_TESTS {
            test.args(["--skip", name]);
        }
        run(&mut test)
    })?;
    tasks.step("fault soak: 300 runs and 300 on a kiosk, from a new seed base", |tasks| {
        run(tasks
            .command("cargo")
            // Over the default members, not `-p ehcert-flows`: the same features as the tests
            // above, so nothing is compiled again.
            .args(["test", "--locked", "--test", "soak", "--", "--nocapture"])
            .args(SOAK_TESTS))
    })?;
    tasks.step("extension unit tests", |tasks| {
        run(tasks.command("node").current_dir(tasks.path("extension")).args(["--test", "tests/"]))
    })?;
    tasks.step("the app's build scripts' unit tests", |tasks| {
        run(tasks.command("node").current_dir(tasks.path("app")).args(["--test", "tests/"]))
    })
}

// --- fuzz ---------------------------------------------------------------------------------------

/// Every fuzz target, built with libFuzzer's coverage instrumentation (the flags cargo-fuzz
/// passes, without the address sanitizer: the code under test is safe Rust, so a stable compiler
/// builds them) and run for a few seconds each, so that no target can rot. Finding bugs takes
/// longer runs: `cargo fuzz run <target>` in the fuzz folder (docs/testing.md). A crash fails
/// the step and leaves its input in target/fuzz/artifacts/.
pub(crate) fn fuzz(tasks: &mut Tasks, args: &[String]) -> Result {
    let given = flags(args, &["--seconds"])?;
    let seconds = number(&given, "--seconds", 5)?;
    crates(tasks)?;
    let host = output(Command::new("rustc").arg("-vV"))?
        .lines()
        .find_map(|line| line.strip_prefix("host: ").map(str::to_owned))
        .ok_or_else(|| Failure("rustc -vV named no host".into()))?;
    let bin = tasks.path(&format!("target/fuzz/{host}/release"));
    for project in ["app/pki/fuzz", "app/certra/fuzz", "card-bridge/fuzz"] {
        tasks.step(&format!("fuzz targets of {project}: build"), |tasks| {
            run(tasks
                .command("cargo")
                .current_dir(tasks.path(project))
                .env(
                    "RUSTFLAGS",
                    "--cfg fuzzing -Cdebug-assertions -Coverflow-checks -Cpasses=sancov-module \
                     -Cllvm-args=-sanitizer-coverage-level=4 \
                     -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
                     -Cllvm-args=-sanitizer-coverage-pc-table \
                     -Cllvm-args=-sanitizer-coverage-trace-compares",
                )
                .env("CARGO_TARGET_DIR", tasks.path("target/fuzz"))
                .args(["build", "--release", "--locked", "--bins", "--target", &host]))
        })?;
        let manifest = std::fs::read_to_string(tasks.path(&format!("{project}/Cargo.toml")))
            .map_err(|err| Failure(format!("{project}: {err}")))?;
        // The [[bin]] names: every `name = "…"` after the package's own.
        let targets: Vec<String> = manifest
            .lines()
            .filter_map(|line| {
                line.strip_prefix("name = \"").and_then(|rest| rest.strip_suffix('"'))
            })
            .skip(1)
            .map(str::to_owned)
            .collect();
        for target in targets {
            tasks.step(&format!("fuzz target {target}: {seconds} s"), |tasks| {
                let corpus = tasks.path(&format!("target/fuzz/corpus/{target}"));
                let artifacts = tasks.path(&format!("target/fuzz/artifacts/{target}"));
                std::fs::create_dir_all(&corpus).and_then(|()| std::fs::create_dir_all(&artifacts)).map_err(|err| Failure(err.to_string()))?;
                let out = Command::new(bin.join(&target))
                    .arg(format!("-max_total_time={seconds}"))
                    .arg("-print_final_stats=1")
                    .arg(format!("-artifact_prefix={}/", artifacts.display()))
                    .arg(&corpus)
                    .output()
                    .map_err(|err| Failure(format!("{target}: {err}")))?;
                let report = String::from_utf8_lossy(&out.stderr);
                let _ = std::fs::write(artifacts.join("last-run.txt"), report.as_bytes());
                if !out.status.success() {
                    let tail: Vec<&str> = report.lines().rev().take(40).collect();
                    eprintln!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
                    return fail(format!("fuzz target {target} failed (its input is in target/fuzz/artifacts/{target}/)"));
                }
                for line in report.lines().filter(|line| {
                    line.starts_with("stat::number_of_executed_units") || line.starts_with("stat::new_units_added")
                }) {
                    eprintln!("{line}");
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

// --- the app and the native servers -------------------------------------------------------------

pub(crate) fn app(tasks: &mut Tasks, args: &[String]) -> Result {
    no_arguments(args)?;
    build_app(tasks)?;
    tasks.step("the app's download against its budget (gzip, per language)", |tasks| {
        run(tasks.command("node").arg(".ci/app-size.mjs").arg(tasks.path("dist")))
    })
}

fn build_app(tasks: &mut Tasks) -> Result {
    crates(tasks)?;
    app_tools(tasks)?;
    npm(tasks)?;
    tasks.step("the app (trunk build --release, minified glue, precompressed copies)", |tasks| {
        let mut trunk = for_wasm(tasks, tasks.command("trunk"));
        trunk.args(["build", "--release", "--offline", "--locked"]);
        run(&mut trunk)?;
        finish_dist(tasks, &tasks.path("dist"))
    })
}

/// Trunk cannot minify wasm-bindgen's glue: terser does, and the page's integrity hash follows
/// (app/minify-glue.mjs). Then the gzip and Brotli copies servers send instead of compressing on
/// each request (app/precompress.mjs).
fn finish_dist(tasks: &Tasks, dist: &Path) -> Result {
    run(tasks.command("node").arg("app/minify-glue.mjs").arg(dist))?;
    run(tasks.command("node").arg("app/precompress.mjs").arg(dist))
}

/// The app with its #bench screen, into target/bench/dist (the production bundle in dist/ has no
/// benchmark screen: it would cost 9.5 KB of the download budget).
fn build_bench_app(tasks: &mut Tasks) -> Result {
    build_app(tasks)?;
    tasks.step("the app with its #bench screen (trunk build --features bench)", |tasks| {
        let mut trunk = for_wasm(tasks, tasks.command("trunk"));
        trunk
            .args(["build", "--release", "--offline", "--locked", "--features", "bench", "--dist"])
            .arg(tasks.path("target/bench/dist"));
        run(&mut trunk)?;
        finish_dist(tasks, &tasks.path("target/bench/dist"))
    })
}

/// The card bridge, the servers and the acceptance probe the end-to-end tests and the demo run.
fn build_native(tasks: &mut Tasks) -> Result {
    crates(tasks)?;
    tasks.step("the card bridge and the servers (debug build)", |tasks| {
        run(tasks.command("cargo").args([
            "build",
            "--locked",
            "-p",
            "card-bridge",
            "-p",
            "ehcert-serve",
            "-p",
            "ehcert-mock-ehealth",
            "-p",
            "ehcert-eid-sim",
            "-p",
            "ehcert-probe",
        ]))
    })
}

/// The tests, the bridge benchmark and the demo run their own pcscd (with the vpcd reader the
/// card simulator plugs into). Debian enables pcscd.socket under systemd, which holds pcscd's
/// socket and would make them fail with "another pcscd already listens": stop it for now (it
/// comes back at the next boot, or with `systemctl start pcscd.socket`).
fn free_pcscd() -> Result {
    if !Path::new("/run/systemd/system").is_dir() || answers("systemctl", &["--version"]).is_none()
    {
        return Ok(());
    }
    let active = Command::new("systemctl")
        .args(["is-active", "--quiet", "pcscd.socket", "pcscd.service"])
        .status()
        .is_ok_and(|status| status.success());
    if active {
        log("stopping the system's pcscd (systemctl stop pcscd.socket pcscd.service)");
        run(Command::new("systemctl").args(["stop", "pcscd.socket", "pcscd.service"]))?;
    }
    Ok(())
}

// --- packages -----------------------------------------------------------------------------------

/// What a care provider installs and a hosting operator runs (packaging/README.md), built and
/// checked: the card bridge's .deb, RPM and their repositories (beside them the acceptance
/// probe's .deb), the server's .deb and OCI image, the bridge's Windows .exe and MSIs (signed
/// through PKCS#11, time-stamped, run under Wine) and macOS .pkg, the extension's store packages
/// (Mozilla's linter on the xpi), each upgrade from the previous release, and SHA256SUMS. The
/// bridge's .deb is installed by the end-to-end project installed-bridge.
///
/// A release (EHCERT_RELEASE=1) needs the stores' extension ids, the hosted origins and, for
/// Windows, the signing key (packaging/README.md). Otherwise the packages are development ones:
/// the bridge answers the development extension, the extension serves an example origin, and
/// Windows files are signed with a throw-away key made in a SoftHSM token here.
pub(crate) fn packages(tasks: &mut Tasks, args: &[String]) -> Result {
    no_arguments(args)?;
    release_settings(tasks)?;
    npm(tasks)?;
    deb(tasks)?;
    server(tasks)?;
    tasks.step(
        "the card bridge for Windows (x86_64-pc-windows-gnu, MSIs), checked under Wine",
        |tasks| {
            let out = tasks.path("target/packages/windows");
            let _ = std::fs::remove_dir_all(&out);
            let mut build = tasks.command("bash");
            build.arg("packaging/windows/build.sh").arg(&out);
            let mut check = tasks.command("node");
            check.env("EHCERT_WINDOWS_OUT", &out);
            // Every signature time-stamped: by a local RFC 3161 responder (packaging/windows/
            // tsa.mjs) unless this run names a time-stamping service, as a release does.
            let mut tsa = Children(Vec::new());
            if std::env::var_os("EHCERT_WINDOWS_TIMESTAMP_URL").is_none() {
                let dir = tasks.path("target/packages-signing/tsa");
                let mut child = tasks
                    .command("node")
                    .arg("packaging/windows/tsa.mjs")
                    .arg(&dir)
                    .stdout(std::process::Stdio::piped())
                    .spawn()
                    .map_err(|err| Failure(format!("packaging/windows/tsa.mjs: {err}")))?;
                let said = child.stdout.take();
                tsa.0.push(child);
                let mut line = String::new();
                if let Some(said) = said {
                    std::io::BufRead::read_line(&mut std::io::BufReader::new(said), &mut line)
                        .map_err(|err| Failure(err.to_string()))?;
                }
                let url = line
                    .trim()
                    .strip_prefix("listening on ")
                    .ok_or_else(|| Failure(format!("packaging/windows/tsa.mjs said {line:?}")))?;
                build.env("EHCERT_WINDOWS_TIMESTAMP_URL", url);
                check.env("EHCERT_WINDOWS_TSA_CA", dir.join("tsa-ca.pem"));
            }
            run(&mut build)?;
            drop(tsa);
            // deb() built the previous release's packages (cached): here its MSIs go first.
            let previous = previous::build(tasks)?;
            run(check
                .env("EHCERT_WINDOWS_PREVIOUS", previous.dir.join("windows"))
                .args(["--test", "packaging/windows/wine.test.mjs"]))
        },
    )?;
    macos(tasks)?;
    let origins = std::env::var("EHCERT_HOSTED_ORIGINS")
        .unwrap_or_else(|_| "https://ehcert.example.be".into());
    tasks.step(
        &format!("the extension's store packages for {origins} (addons-linter on the xpi)"),
        |tasks| {
            let out = tasks.path("target/packages/extension");
            let _ = std::fs::remove_dir_all(&out);
            let mut release = tasks.command("node");
            release.arg("extension/release.mjs");
            for origin in origins.split_whitespace() {
                release.args(["--origin", origin]);
            }
            run(release.arg("--out").arg(&out))?;
            let xpis = files_with_extension(&out, "xpi")?;
            if xpis.is_empty() {
                return fail("extension/release.mjs made no xpi");
            }
            run(tasks
                .command(tasks.path("e2e/node_modules/.bin/addons-linter"))
                .args(["--warnings-as-errors", "--output", "text"])
                .args(&xpis))
        },
    )?;
    checksums(tasks)
}

/// What a release publishes, each with its SHA-256, in `target/packages/SHA256SUMS` (the format
/// `sha256sum --check` reads), which the release attaches beside them.
fn checksums(tasks: &mut Tasks) -> Result {
    tasks.step("the packages' checksums (SHA256SUMS)", |tasks| {
        let packages = tasks.path("target/packages");
        let mut files = Vec::new();
        for (dir, ext) in [
            ("linux", "deb"),
            ("linux", "rpm"),
            ("server", "deb"),
            ("server/image", "tar"),
            ("windows", "msi"),
            ("macos", "pkg"),
            ("extension", "zip"),
            ("extension", "xpi"),
        ] {
            for file in files_with_extension(&packages.join(dir), ext)? {
                let relative =
                    file.strip_prefix(&packages).map_err(|err| Failure(err.to_string()))?;
                files.push(relative.to_owned());
            }
        }
        let sums = output(Command::new("sha256sum").current_dir(&packages).args(&files))?;
        std::fs::write(packages.join("SHA256SUMS"), &sums)
            .map_err(|err| Failure(err.to_string()))?;
        log(&format!("{} files in target/packages/SHA256SUMS", files.len()));
        Ok(())
    })
}

/// The server for hosting operators: its .deb (packaging/server/build-deb.sh) with the app,
/// checked by lintian, installed on this machine and started as its systemd unit says
/// (packaging/server/deb.test.mjs); its OCI image (build-image.sh, umoci), read by skopeo and
/// run by runc (image.test.mjs).
fn server(tasks: &mut Tasks) -> Result {
    build_app(tasks)?;
    tasks.step(
        "the server for operators (.deb, lintian; OCI image, skopeo), each run and /healthz answered",
        |tasks| {
            let out = tasks.path("target/packages/server");
            let _ = std::fs::remove_dir_all(&out);
            run(tasks
                .command("bash")
                .arg("packaging/server/build-deb.sh")
                .arg(tasks.path("target/release/ehcert-serve"))
                .arg(tasks.path("dist"))
                .arg(&out))?;
            let debs = files_with_extension(&out, "deb")?;
            run(Command::new("lintian").args(["--fail-on", "error,warning"]).args(&debs))?;
            run(tasks
                .command("node")
                .env("EHCERT_SERVER_DEB", &debs[0])
                .args(["--test", "packaging/server/deb.test.mjs"]))?;
            let image = out.join("image");
            run(tasks
                .command("bash")
                .arg("packaging/server/build-image.sh")
                .arg(tasks.path("target/release/ehcert-serve"))
                .arg(tasks.path("dist"))
                .arg(&image))?;
            run(tasks
                .command("node")
                .env("EHCERT_SERVER_IMAGE", &image)
                .args(["--test", "packaging/server/image.test.mjs"]))
        },
    )
}

/// The card bridge for macOS, built, signed and packaged here (packaging/macos/build-pkg.sh),
/// then read back by tools that did not write it (packaging/macos/pkg.test.mjs).
fn macos(tasks: &mut Tasks) -> Result {
    tasks.step("rcodesign, Zig and cargo-zigbuild", |tasks| {
        // Tests never reach Apple: without its notary client (the App Store Connect and S3
        // crates, `--no-default-features`) rcodesign builds a minute sooner. A release needs it.
        let release = is_release();
        let installed = answers("rcodesign", &["--version"])
            == Some(format!("apple-codesign {RCODESIGN_VERSION}"));
        let notarizes = answers("rcodesign", &["notary-submit", "--help"]).is_some();
        if !installed || (release && !notarizes) {
            let features: &[&str] = if release { &[] } else { &["--no-default-features"] };
            let args = [&["--bin", "rcodesign"][..], features].concat();
            cargo_install(tasks, "apple-codesign", RCODESIGN_VERSION, &args, 4)?;
        }
        // A virtual environment of the project's, so Debian's Python stays as it is.
        let venv = tasks.path("target/tools/zig");
        let requirements = tasks.path("packaging/macos/requirements.txt");
        let installed = venv.join("installed-requirements.txt");
        if std::fs::read(&requirements).ok() != std::fs::read(&installed).ok() {
            log("installing Zig and cargo-zigbuild from PyPI");
            run(Command::new("python3").arg("-m").arg("venv").arg("--clear").arg(&venv))?;
            run(Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--requirement"])
                .arg(&requirements))?;
            std::fs::copy(&requirements, &installed).map_err(|err| Failure(err.to_string()))?;
        }
        Ok(())
    })?;
    tasks.step("the card bridge for macOS (universal, signed .pkg), read back on Linux", |tasks| {
        let out = tasks.path("target/packages/macos");
        let _ = std::fs::remove_dir_all(&out);
        let path = format!(
            "{}:{}",
            tasks.path("target/tools/zig/bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        run(tasks
            .command("bash")
            .env("PATH", &path)
            .arg("packaging/macos/build-pkg.sh")
            .arg(&out))?;
        run(tasks
            .command("node")
            .env("PATH", &path)
            .env("EHCERT_MACOS_OUT", &out)
            .args(["--test", "packaging/macos/pkg.test.mjs"]))
    })
}

/// The Chrome Web Store id the test builds' packages register: well-formed, and no store's.
const TEST_CHROME_STORE_ID: &str = "cccccccccccccccccccccccccccccccc";
/// The same for Edge Add-ons.
const TEST_EDGE_STORE_ID: &str = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

/// Whether this run makes a release's packages (`EHCERT_RELEASE=1`, packaging/README.md).
fn is_release() -> bool {
    std::env::var("EHCERT_RELEASE").as_deref() == Ok("1")
}

/// A release's settings are all there; otherwise a throw-away code-signing certificate for the
/// Windows files, in the environment of this run.
fn release_settings(tasks: &mut Tasks) -> Result {
    if is_release() {
        for name in [
            "EHCERT_CHROMIUM_EXTENSION_IDS",
            "EHCERT_CHROME_STORE_ID",
            "EHCERT_EDGE_STORE_ID",
            "EHCERT_FIREFOX_EXTENSION_ID",
            "EHCERT_HOSTED_ORIGINS",
        ] {
            if std::env::var(name).map_or(true, |value| value.is_empty()) {
                return fail(format!("a release needs {name} (packaging/README.md)"));
            }
        }
        let given = |name: &str| std::env::var(name).is_ok_and(|value| !value.is_empty());
        let token = [
            "EHCERT_WINDOWS_PKCS11_MODULE",
            "EHCERT_WINDOWS_PKCS11_KEY",
            "EHCERT_WINDOWS_SIGNING_CHAIN",
        ];
        if !token.iter().all(|name| given(name)) && !given("EHCERT_WINDOWS_SIGNING_CERT") {
            return fail(
                "a release signs the Windows files: EHCERT_WINDOWS_PKCS11_MODULE, \
                 EHCERT_WINDOWS_PKCS11_KEY and EHCERT_WINDOWS_SIGNING_CHAIN, or \
                 EHCERT_WINDOWS_SIGNING_CERT (packaging/README.md)",
            );
        }
        // The extension the packages install must be one the bridge answers.
        let answered = std::env::var("EHCERT_CHROMIUM_EXTENSION_IDS").unwrap_or_default();
        for name in ["EHCERT_CHROME_STORE_ID", "EHCERT_EDGE_STORE_ID"] {
            let id = std::env::var(name).unwrap_or_default();
            if !answered.split(',').any(|answered| answered.trim() == id) {
                return fail(format!("{name} is not in EHCERT_CHROMIUM_EXTENSION_IDS"));
            }
        }
        return Ok(());
    }
    // Test builds have Chrome and Edge install an extension no store has (packaging/
    // external-extensions.sh): the registrations are checked, and nothing real is installed.
    for (name, id) in [
        ("EHCERT_CHROME_STORE_ID", TEST_CHROME_STORE_ID),
        ("EHCERT_EDGE_STORE_ID", TEST_EDGE_STORE_ID),
    ] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, id);
        }
    }
    if std::env::var_os("EHCERT_WINDOWS_SIGNING_CERT").is_some()
        || std::env::var_os("EHCERT_WINDOWS_PKCS11_MODULE").is_some()
    {
        return Ok(());
    }
    let signing = tasks.path("target/packages-signing");
    if !signing.join("signing.p12").is_file() {
        std::fs::create_dir_all(&signing).map_err(|err| Failure(err.to_string()))?;
        run(Command::new("openssl")
            .current_dir(&signing)
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:3072",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=ehcert test code signing (not for release)",
            ])
            .args([
                "-addext",
                "extendedKeyUsage=codeSigning",
                "-addext",
                "keyUsage=digitalSignature",
            ])
            .args(["-keyout", "signing.key", "-out", "signing.pem"])
            .stderr(std::process::Stdio::null()))?;
        run(Command::new("openssl").current_dir(&signing).args([
            "pkcs12",
            "-export",
            "-inkey",
            "signing.key",
            "-in",
            "signing.pem",
            "-passout",
            "pass:test",
            "-out",
            "signing.p12",
        ]))?;
    }
    // Read by packaging/windows/build.sh, which this process starts. The previous release's
    // build.sh knows only this file; today's signs with the token below.
    std::env::set_var("EHCERT_WINDOWS_SIGNING_CERT", signing.join("signing.p12"));
    std::env::set_var("EHCERT_WINDOWS_SIGNING_PASSWORD", "test");
    test_signing_token(&signing.join("softhsm"))
}

/// SoftHSM's PKCS#11 library, standing in for a code-signing token.
const SOFTHSM_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const TEST_TOKEN_PIN: &str = "1234";

/// A SoftHSM token standing in for the hardware a code-signing key lives in: the key pair is
/// generated inside it (pkcs11-tool), and its certificate signed by it through OpenSSL's PKCS#11
/// engine, so the key is never in a file, as with a real token. A certificate other than the
/// PKCS#12 file's: the Windows files verifying against it shows the token signed them.
fn test_signing_token(dir: &Path) -> Result {
    let conf = dir.join("softhsm2.conf");
    let certificate = dir.join("token.pem");
    let key = "pkcs11:token=ehcert-test-code-signing;object=code-signing;type=private";
    std::env::set_var("SOFTHSM2_CONF", &conf);
    if !certificate.is_file() {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir.join("tokens")).map_err(|err| Failure(err.to_string()))?;
        let write = |path: PathBuf, text: String| {
            std::fs::write(path, text).map_err(|err| Failure(err.to_string()))
        };
        write(
            conf.clone(),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                dir.join("tokens").display()
            ),
        )?;
        run(Command::new("softhsm2-util")
            .args(["--init-token", "--free", "--label", "ehcert-test-code-signing"])
            .args(["--pin", TEST_TOKEN_PIN, "--so-pin", "12345678"]))?;
        run(Command::new("pkcs11-tool")
            .args(["--module", SOFTHSM_MODULE, "--token-label", "ehcert-test-code-signing"])
            .args(["--login", "--pin", TEST_TOKEN_PIN, "--keypairgen", "--key-type", "rsa:3072"])
            .args(["--label", "code-signing", "--id", "01"]))?;
        let engines = output(Command::new("openssl").args(["version", "-e"]))?;
        let engines = engines
            .trim()
            .strip_prefix("ENGINESDIR: \"")
            .and_then(|rest| rest.strip_suffix('"'))
            .ok_or_else(|| Failure(format!("openssl version -e said {engines:?}")))?;
        write(
            dir.join("engine.cnf"),
            format!(
                "openssl_conf = init\n[init]\nengines = engines\n[engines]\npkcs11 = pkcs11\n\
                 [pkcs11]\nengine_id = pkcs11\ndynamic_path = {engines}/pkcs11.so\n\
                 MODULE_PATH = {SOFTHSM_MODULE}\ninit = 0\n[req]\ndistinguished_name = dn\n[dn]\n"
            ),
        )?;
        run(Command::new("openssl")
            .env("OPENSSL_CONF", dir.join("engine.cnf"))
            .args([
                "req", "-new", "-x509", "-days", "30", "-engine", "pkcs11", "-keyform", "engine",
            ])
            .args(["-key", &format!("{key};pin-value={TEST_TOKEN_PIN}")])
            .args(["-subj", "/CN=ehcert test code signing in a token (not for release)"])
            .args([
                "-addext",
                "extendedKeyUsage=codeSigning",
                "-addext",
                "keyUsage=digitalSignature",
            ])
            .arg("-out")
            .arg(&certificate))?;
    }
    std::env::set_var("EHCERT_WINDOWS_PKCS11_MODULE", SOFTHSM_MODULE);
    std::env::set_var("EHCERT_WINDOWS_PKCS11_KEY", key);
    std::env::set_var("EHCERT_WINDOWS_PKCS11_PIN", TEST_TOKEN_PIN);
    std::env::set_var("EHCERT_WINDOWS_SIGNING_CHAIN", &certificate);
    // What the Windows test verifies today's files against.
    std::env::set_var("EHCERT_WINDOWS_SIGNING_CA", &certificate);
    Ok(())
}

/// The card bridge's .deb and .rpm and the acceptance probe's .deb (release builds), checked by
/// lintian; the probe's package is unpacked and its program run. Then the apt and dnf
/// repositories they are published in, signed, read back by apt, rpm, rpmlint and dnf.
fn deb(tasks: &mut Tasks) -> Result {
    crates(tasks)?;
    tasks.step(
        "the card bridge and the probe for Linux (release build, .deb and .rpm, lintian)",
        |tasks| {
            // The server too (its package is built in `packages`): most of its crates are the
            // probe's, compiled once for both.
            run(tasks.command("cargo").args([
                "build",
                "--release",
                "--locked",
                "-p",
                "card-bridge",
                "-p",
                "ehcert-probe",
                "-p",
                "ehcert-serve",
            ]))?;
            let out = tasks.path("target/packages/linux");
            let _ = std::fs::remove_dir_all(&out);
            for (script, program) in
                [("build-deb.sh", "card-bridge"), ("build-probe-deb.sh", "ehcert-probe")]
            {
                run(tasks
                    .command("bash")
                    .arg(format!("packaging/linux/{script}"))
                    .arg(tasks.path(&format!("target/release/{program}")))
                    .arg(&out))?;
            }
            let debs = files_with_extension(&out, "deb")?;
            if debs.len() != 2 {
                return fail(format!("packaging/linux made {} .deb files, not 2", debs.len()));
            }
            run(tasks
                .command("bash")
                .arg("packaging/linux/build-rpm.sh")
                .arg(tasks.path("target/release/card-bridge"))
                .arg(&out))?;
            run(Command::new("lintian").args(["--fail-on", "error,warning"]).args(&debs))?;
            // The probe as installed: it runs, and it needs the bridge's package.
            let probe = debs
                .iter()
                .find(|deb| {
                    deb.file_name()
                        .is_some_and(|name| name.to_string_lossy().starts_with("ehcert-probe_"))
                })
                .ok_or_else(|| Failure("no ehcert-probe package".into()))?;
            let depends = output(Command::new("dpkg-deb").args(["-f"]).arg(probe).arg("Depends"))?;
            if !depends.contains("ehcert-card-bridge") {
                return fail(format!(
                    "the probe's package does not depend on the bridge's: {depends}"
                ));
            }
            let unpacked = out.join("probe-unpacked");
            run(Command::new("dpkg-deb").arg("-x").arg(probe).arg(&unpacked))?;
            let usage = output(Command::new(unpacked.join("usr/bin/ehcert-probe")).arg("--help"))?;
            if !usage.starts_with("usage: ehcert-probe") {
                return fail(format!("the packaged probe answered --help with {usage:?}"));
            }
            std::fs::remove_dir_all(&unpacked).map_err(|err| Failure(err.to_string()))
        },
    )?;
    let previous = previous::build(tasks)?;
    tasks.step(
        "the apt and dnf repositories (reprepro, createrepo_c, signed), read back",
        |tasks| {
            let linux = tasks.path("target/packages/linux");
            let (debs, rpms) =
                (files_with_extension(&linux, "deb")?, files_with_extension(&linux, "rpm")?);
            let previous_debs = files_with_extension(&previous.dir.join("linux"), "deb")?;
            // A release signs with the archive's key from its own GnuPG home; tests with a
            // throw-away one made here, in a home of this run's (short: gpg-agent's socket is in it).
            // RSA: RHEL 8's rpm reads no EdDSA signature.
            let (gnupg, key) = if is_release() {
                let key = std::env::var("EHCERT_ARCHIVE_SIGNING_KEY").map_err(|_| {
                    Failure(
                        "a release needs EHCERT_ARCHIVE_SIGNING_KEY (packaging/README.md)".into(),
                    )
                })?;
                (None, key)
            } else {
                let home = PathBuf::from(
                    output(Command::new("mktemp").args(["-d", "-t", "ehcert-gpg.XXXXXX"]))?.trim(),
                );
                run(Command::new("gpg")
                    .env("GNUPGHOME", &home)
                    .args(["--batch", "--quiet", "--passphrase", "", "--quick-gen-key"])
                    .args([
                        "ehcert test archive <archive@ehcert.invalid>",
                        "rsa3072",
                        "sign",
                        "never",
                    ]))?;
                let listed = output(Command::new("gpg").env("GNUPGHOME", &home).args([
                    "--batch",
                    "--with-colons",
                    "--list-secret-keys",
                ]))?;
                let key = listed
                    .lines()
                    .find_map(|line| {
                        line.strip_prefix("fpr:::::::::")?.strip_suffix(':').map(str::to_owned)
                    })
                    .ok_or_else(|| Failure("gpg made no key".into()))?;
                (Some(home), key)
            };
            let apt = tasks.path("target/packages/apt");
            let rpm = tasks.path("target/packages/rpm");
            for old in [&apt, &rpm] {
                let _ = std::fs::remove_dir_all(old);
            }
            let mut publish_apt = tasks.command("bash");
            publish_apt
                .env("EHCERT_APT_STATE", apt.join("state"))
                .arg("packaging/linux/apt-repo.sh")
                .arg(&key)
                .arg(apt.join("repo"))
                .args(&debs);
            // The address the repository file names: the published one in a release, else here.
            let rpm_base = if is_release() {
                std::env::var("EHCERT_RPM_BASE_URL").map_err(|_| {
                    Failure("a release needs EHCERT_RPM_BASE_URL (packaging/README.md)".into())
                })?
            } else {
                format!("file://{}/", rpm.join("repo").display())
            };
            let mut publish_rpm = tasks.command("bash");
            publish_rpm
                .env("EHCERT_RPM_BASE_URL", &rpm_base)
                .arg("packaging/linux/dnf-repo.sh")
                .arg(&key)
                .arg(rpm.join("repo"))
                .args(&rpms);
            if let Some(home) = &gnupg {
                publish_apt.env("GNUPGHOME", home);
                publish_rpm.env("GNUPGHOME", home);
            }
            // The repository as it was when the previous release was published, for the upgrade.
            let mut publish_previous_apt = tasks.command("bash");
            publish_previous_apt
                .env("EHCERT_APT_STATE", apt.join("previous-state"))
                .arg("packaging/linux/apt-repo.sh")
                .arg(&key)
                .arg(apt.join("previous"))
                .args(&previous_debs);
            if let Some(home) = &gnupg {
                publish_previous_apt.env("GNUPGHOME", home);
            }
            // The previous release's repository first: apt ignores a Release file older than the
            // one it has (a rollback), and upgrading goes from that one to today's.
            let published = run(&mut publish_previous_apt)
                .and_then(|()| run(&mut publish_apt))
                .and_then(|()| run(&mut publish_rpm));
            if let Some(home) = &gnupg {
                let _ =
                    Command::new("gpgconf").env("GNUPGHOME", home).args(["--kill", "all"]).status();
                let _ = std::fs::remove_dir_all(home);
            }
            published?;
            run(tasks
                .command("node")
                .env("EHCERT_APT_REPO", apt.join("repo"))
                .env("EHCERT_RPM_REPO", rpm.join("repo"))
                .env("EHCERT_RPM_BASE_URL", &rpm_base)
                .env("EHCERT_APT_PREVIOUS_REPO", apt.join("previous"))
                .env("EHCERT_PREVIOUS_LINUX", previous.dir.join("linux"))
                .env("EHCERT_LINUX_OUT", &linux)
                .args([
                    "--test",
                    "packaging/linux/apt-repo.test.mjs",
                    "packaging/linux/rpm.test.mjs",
                    "packaging/linux/upgrade.test.mjs",
                ]))
        },
    )
}

/// The files in `dir` whose names end in `.ext`, sorted.
fn files_with_extension(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|err| Failure(format!("{}: {err}", dir.display())))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|found| found == ext))
        .collect();
    found.sort();
    Ok(found)
}

// --- end-to-end -------------------------------------------------------------------------------

/// What `e2e` was asked for: projects, specs, a title filter.
#[derive(Debug, Default, PartialEq, Eq)]
struct E2eSelection {
    projects: Vec<String>,
    specs: Vec<String>,
    filter: Option<String>,
}

fn e2e_selection(args: &[String]) -> Result<E2eSelection> {
    let mut selection = E2eSelection::default();
    let mut rest = args.iter();
    for arg in rest.by_ref() {
        if arg == "--" {
            break;
        }
        if arg.starts_with('-') {
            return fail(format!("unexpected flag {arg} (give a filter after --)"));
        }
        if E2E_PROJECTS.contains(&arg.as_str()) {
            selection.projects.push(arg.clone());
        } else {
            let spec = arg.trim_end_matches(".ts").trim_end_matches(".spec");
            if !Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../e2e/tests/{spec}.spec.ts"))
                .is_file()
            {
                return fail(format!(
                    "{arg} is neither a project ({}) nor a spec in e2e/tests/",
                    E2E_PROJECTS.join(", ")
                ));
            }
            selection.specs.push(format!("tests/{spec}.spec.ts"));
        }
    }
    let filter: Vec<&str> = rest.map(String::as_str).collect();
    if !filter.is_empty() {
        selection.filter = Some(filter.join(" "));
    }
    Ok(selection)
}

/// Playwright's arguments for a selection: named projects run without the ones they are ordered
/// after (`--no-deps`: the dependencies in e2e/playwright.config.ts only order the suite).
fn playwright_args(selection: &E2eSelection) -> Vec<String> {
    let mut args = vec!["playwright".to_owned(), "test".to_owned()];
    for project in &selection.projects {
        args.extend(["--project".to_owned(), project.clone()]);
    }
    if !selection.projects.is_empty() || !selection.specs.is_empty() {
        args.push("--no-deps".to_owned());
    }
    args.extend(selection.specs.iter().cloned());
    if let Some(filter) = &selection.filter {
        args.extend(["--grep".to_owned(), filter.clone()]);
    }
    args
}

pub(crate) fn e2e(tasks: &mut Tasks, args: &[String]) -> Result {
    let selection = e2e_selection(args)?;
    let everything = selection.projects.is_empty() && selection.specs.is_empty();
    let installs_bridge = everything
        || selection.projects.iter().any(|project| project == "installed-bridge")
        || selection.specs.iter().any(|spec| spec.contains("installed-bridge"));
    npm(tasks)?;
    build_native(tasks)?;
    build_app(tasks)?;
    // The previous release's bridge and extension (cached), for the projects previous-bridge
    // and previous-extension; a spec named alone runs in them too.
    let previous_parts = selection.projects.is_empty()
        || selection.projects.iter().any(|project| project.starts_with("previous-"));
    if installs_bridge || previous_parts {
        // The packages as the test command builds them: with the test store ids.
        release_settings(tasks)?;
    }
    if installs_bridge {
        deb(tasks)?;
    }
    if previous_parts {
        let previous = previous::build(tasks)?;
        std::env::set_var("EHCERT_PREVIOUS_RELEASE", &previous.dir);
    }
    free_pcscd()?;
    tasks.step("end-to-end tests (Playwright: Debian Chromium and firefox-esr, the real extension and card bridge)", |tasks| {
        run(tasks.command("npx").current_dir(tasks.path("e2e")).args(playwright_args(&selection)))
    })
}

// --- test -------------------------------------------------------------------------------------

pub(crate) fn test(tasks: &mut Tasks, args: &[String]) -> Result {
    no_arguments(args)?;
    let steps: [(&str, StepFn); 7] = [
        ("setup", setup),
        ("check", check),
        ("unit", unit),
        ("fuzz", fuzz),
        ("app", app),
        ("packages", packages),
        ("e2e", e2e),
    ];
    for (name, step) in steps {
        tasks.step(name, |tasks| step(tasks, &[]))?;
    }
    Ok(())
}

// --- bench ------------------------------------------------------------------------------------

/// Every budget of app/PRODUCT.md §6 measured in one run, then docs/BENCHMARKS.md written from
/// the report (no figure is copied by hand anywhere else).
pub(crate) fn bench(tasks: &mut Tasks, args: &[String]) -> Result {
    no_arguments(args)?;
    free_pcscd()?;
    build_native(tasks)?;
    build_bench_app(tasks)?;
    let out = tasks.path("target/bench");
    std::fs::create_dir_all(&out).map_err(|err| Failure(err.to_string()))?;
    // A benchmark's printed text: shown, its `JSON ` line kept as NAME.json and the rest as
    // NAME.txt.
    let measured = |name: &str, command: &mut Command| -> Result {
        let text = output(command)?;
        print!("{text}");
        let (json, table): (Vec<&str>, Vec<&str>) =
            text.lines().partition(|line| line.starts_with("JSON "));
        let json: Vec<&str> = json.iter().map(|line| &line["JSON ".len()..]).collect();
        std::fs::write(out.join(format!("{name}.json")), json.join("\n"))
            .and_then(|()| std::fs::write(out.join(format!("{name}.txt")), table.join("\n")))
            .map_err(|err| Failure(err.to_string()))
    };
    tasks.step("native benchmark (release build)", |tasks| {
        let mut command = tasks.command("cargo");
        command.args([
            "run",
            "--locked",
            "--release",
            "-q",
            "-p",
            "ehcert-pki",
            "--example",
            "bench",
        ]);
        measured("native", &mut command)
    })?;
    tasks.step("card-bridge overhead (pcscd with the simulated eID)", |tasks| {
        let mut command = tasks.command("cargo");
        command.args(["bench", "--locked", "-q", "-p", "card-bridge", "--bench", "overhead"]);
        measured("bridge", &mut command)
    })?;
    tasks.step("ehcert-serve under load (release build, nginx for the replicas)", |tasks| {
        run(tasks.command("cargo").args([
            "build",
            "--locked",
            "--release",
            "-q",
            "-p",
            "ehcert-mock-ehealth",
        ]))?;
        let mut command = tasks.command("cargo");
        command.args(["bench", "--locked", "-q", "-p", "ehcert-serve", "--bench", "load"]);
        measured("load", &mut command)
    })?;
    tasks.step("new certificate flow, timed (Playwright)", |tasks| {
        run(tasks
            .command("npx")
            .current_dir(tasks.path("e2e"))
            .env("EHCERT_BENCH_OUT", out.join("flow.json"))
            .args(["playwright", "test", "--config", "playwright.bench.config.ts"]))
    })?;
    tasks.step("browser benchmark (headless Chromium) and the report", |tasks| {
        run(tasks
            .command("node")
            .current_dir(tasks.path("e2e"))
            .arg("bench.mjs")
            .arg("--serve")
            .arg(tasks.path("target/debug/ehcert-serve"))
            .arg("--dist")
            .arg(tasks.path("dist"))
            .arg("--bench-dist")
            .arg(tasks.path("target/bench/dist"))
            .arg("--native")
            .arg(out.join("native.json"))
            .arg("--bridge")
            .arg(out.join("bridge.json"))
            .arg("--load")
            .arg(out.join("load.txt"))
            .arg("--flow")
            .arg(out.join("flow.json"))
            .arg("--out")
            .arg(&out)
            .arg("--benchmarks-md")
            .arg(tasks.path("docs/BENCHMARKS.md")))
    })
}

// --- soak -------------------------------------------------------------------------------------

/// The flows' fault soak at length (app/flows/tests/soak.rs; docs/testing.md).
pub(crate) fn soak(tasks: &mut Tasks, args: &[String]) -> Result {
    let given = flags(args, &["--runs", "--kiosk-runs"])?;
    let runs = number(&given, "--runs", 10_000)?;
    let kiosk_runs = number(&given, "--kiosk-runs", runs / 4)?;
    crates(tasks)?;
    tasks.step(&format!("fault soak: {runs} runs, and {kiosk_runs} on a kiosk"), |tasks| {
        run(tasks
            .command("cargo")
            .env("EHCERT_SOAK_RUNS", runs.to_string())
            .env("EHCERT_SOAK_KIOSK_RUNS", kiosk_runs.to_string())
            .args([
                "test",
                "--locked",
                "--test",
                "soak",
                "--",
                "--test-threads",
                "1",
                "--nocapture",
            ])
            .args(SOAK_TESTS))
    })
}

// --- demo -------------------------------------------------------------------------------------

/// The app with the mock eHealth service and the simulated card, in a browser profile of its own.
pub(crate) fn demo(tasks: &mut Tasks, args: &[String]) -> Result {
    no_arguments(args)?;
    free_pcscd()?;
    build_native(tasks)?;
    build_app(tasks)?;
    let bin = tasks.path("target/debug");
    let demo = tasks.path("target/demo");
    std::fs::create_dir_all(&demo).map_err(|err| Failure(err.to_string()))?;
    let mut children = Children(Vec::new());
    let spawn = |command: &mut Command| {
        command.spawn().map_err(|err| Failure(format!("{command:?}: {err}")))
    };
    // The mock eHealth services (state kept in target/demo, so a restart resumes where it was).
    children.0.push(spawn(
        Command::new(bin.join("mock-certra"))
            .args(["--listen", "127.0.0.1:8090", "--state"])
            .arg(demo.join("certra.sqlite"))
            .args(["--not-yet-delivered", "2"]),
    )?);
    // The simulated eID in pcscd's virtual reader; pcscd is started unless one already runs.
    if Path::new("/run/pcscd/pcscd.comm").exists() {
        log("using the running pcscd");
    } else {
        children.0.push(spawn(Command::new("pcscd").arg("--foreground"))?);
    }
    children.0.push(spawn(Command::new(bin.join("eid-sim")).args(["--pin", "1234"]))?);
    // A browser profile of the demo's own, with the card bridge registered in it and the
    // extension loaded unpacked from this folder: nothing to click in chrome://extensions,
    // nothing written to the person's own browser settings.
    let profile = demo.join("chromium-profile");
    std::fs::create_dir_all(&profile).map_err(|err| Failure(err.to_string()))?;
    run(Command::new(bin.join("card-bridge"))
        .args(["install", "--browser", "chromium", "--user-data-dir"])
        .arg(&profile)
        .stdout(std::process::Stdio::null()))?;
    let extension_id =
        std::fs::read_to_string(tasks.path("extension/extension-id.txt")).unwrap_or_default();
    let browser = format!(
        "chromium --user-data-dir={} --no-first-run --no-default-browser-check --load-extension={} http://127.0.0.1:8080/",
        profile.display(),
        tasks.path("extension").display()
    );
    println!(
        "\nehcert demo\n  The app:        http://127.0.0.1:8080 (Ctrl-C here stops everything). \"New personal\n                  \
         certificate\" starts on the \"Local test service\", the mock eHealth service\n                  \
         (http://127.0.0.1:8090/admin/state shows its state).\n  The card:       a simulated eID in pcscd's virtual \
         reader, Jan Pieter Peeters, PIN 1234\n                  (`{} diagnose` shows it).\n  The browser:    Chromium with the \
         extension ({}) loaded and the card bridge\n                  registered, in a profile of its own \
         (target/demo/chromium-profile):\n                    {browser}\n  Checks:         http://127.0.0.1:8080/#diagnostics \
         (key generation, the eHealth services,\n                  your card and PIN).\n",
        bin.join("card-bridge").display(),
        extension_id.trim()
    );
    let display = std::env::var_os("DISPLAY").or_else(|| std::env::var_os("WAYLAND_DISPLAY"));
    if display.is_some() && answers("chromium", &["--version"]).is_some() {
        // Opened once the server below listens; root needs --no-sandbox.
        let root = output(Command::new("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0");
        let mut open = format!("sleep 2 && exec {browser}");
        if root {
            open.push_str(" --no-sandbox");
        }
        children.0.push(spawn(
            Command::new("sh")
                .args(["-c", &open])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null()),
        )?);
    } else {
        log("no display: start the browser above yourself on a machine with one");
    }
    run(Command::new(bin.join("ehcert-serve"))
        .arg("--dist")
        .arg(tasks.path("dist"))
        .args(["--listen", "127.0.0.1:8080"])
        .args(["--upstream", "local=http://127.0.0.1:8090"])
        // The mock lists requests in progress (app/certra/FIDELITY.md #11).
        .args(["--dialect", "local=ecdsa-sha256,connector,in-progress-listed"])
        .args(["--upstream", "acceptance=https://services-acpt.ehealth.fgov.be"])
        .args(["--upstream", "production=https://services.ehealth.fgov.be"])
        .args(["--default-environment", "local"]))
}

/// Processes that end with the demo.
struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn the_advisory_folder_is_read_from_what_cargo_deny_says() {
        // As cargo-deny 0.20.2 said it, the folder missing.
        let said =
            "2026-12-06 16:27:41 [ERROR] failed to get 'FETCH_HEAD' metadata: failed to get \
                    HEAD timestamp: [\"-C\", \"target/advisory-dbs/advisory-db-3157b0e258782691\", \
                    \"show\"]\nfatal: cannot change to \
                    'target/advisory-dbs/advisory-db-3157b0e258782691': No such file or directory";
        assert_eq!(advisory_folder_named(said).as_deref(), Some("advisory-db-3157b0e258782691"));
        assert_eq!(advisory_folder_named("error: something else"), None);
        assert_eq!(advisory_folder_named("target/advisory-dbs/advisory-db-"), None);
    }

    #[test]
    fn locked_versions_are_read_from_the_lock_file() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.1\"\n";
        assert_eq!(locked_version(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(locked_version(lock, "wasm-bindgen-futures").as_deref(), Some("0.4.1"));
        assert_eq!(locked_version(lock, "trunk"), None);
    }

    #[test]
    fn an_e2e_selection_names_projects_specs_and_a_filter() {
        let selection =
            e2e_selection(&args("new-certificate firefox -- the pending keystore")).unwrap();
        assert_eq!(selection.projects, ["firefox"]);
        assert_eq!(selection.specs, ["tests/new-certificate.spec.ts"]);
        assert_eq!(selection.filter.as_deref(), Some("the pending keystore"));
        assert_eq!(
            playwright_args(&selection),
            [
                "playwright",
                "test",
                "--project",
                "firefox",
                "--no-deps",
                "tests/new-certificate.spec.ts",
                "--grep",
                "the pending keystore"
            ]
        );
        assert!(e2e_selection(&args("no-such-spec")).is_err());
        assert!(e2e_selection(&args("--grep x")).is_err());
        let everything = e2e_selection(&[]).unwrap();
        assert_eq!(playwright_args(&everything), ["playwright", "test"]);
    }

    #[test]
    fn the_workspace_is_read_from_cargo_metadata() {
        let tasks = Tasks::new().unwrap();
        let workspace = workspace(&tasks).unwrap();
        assert!(workspace.native.iter().any(|name| name == "ehcert-flows"));
        assert!(
            !workspace.native.iter().any(|name| name == "ehcert-app"),
            "the app builds for wasm32 only"
        );
        assert_eq!(workspace.wasm[0], "ehcert-app");
        for library in ["ehcert-pki", "ehcert-certra", "ehcert-flows", "ehcert-shared"] {
            assert!(workspace.wasm.iter().any(|name| name == library), "{library}");
        }
        assert!(
            !workspace.wasm.iter().any(|name| name == "ehcert-mock-ehealth"),
            "a dev-dependency only"
        );
    }
}
