//! Running steps and commands: each step once per run and timed; commands shown before they run
//! and failing with what failed.

use std::{
    collections::HashSet,
    ffi::OsStr,
    fmt,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

/// Why a step stopped.
#[derive(Debug)]
pub(crate) struct Failure(pub(crate) String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stops a step with `what`.
pub(crate) fn fail<T>(what: impl Into<String>) -> Result<T, Failure> {
    Err(Failure(what.into()))
}

/// One run of the task runner: the repository, the steps done, and their times.
pub(crate) struct Tasks {
    root: PathBuf,
    done: HashSet<String>,
    depth: usize,
    times: Vec<(usize, String, Duration, bool)>,
}

impl Tasks {
    pub(crate) fn new() -> Result<Self, Failure> {
        // xtask/ is one level below the repository's root.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or_else(|| Failure("xtask has no parent folder".into()))?
            .to_path_buf();
        Ok(Self { root, done: HashSet::new(), depth: 0, times: Vec::new() })
    }

    /// A path under the repository's root.
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Runs `body` as the step `name`, unless it ran already in this run; times it.
    pub(crate) fn step(
        &mut self,
        name: &str,
        body: impl FnOnce(&mut Self) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        if !self.done.insert(name.to_owned()) {
            return Ok(());
        }
        log(name);
        let at = self.times.len();
        self.times.push((self.depth, name.to_owned(), Duration::ZERO, false));
        self.depth += 1;
        let started = Instant::now();
        let outcome = body(self);
        self.depth -= 1;
        let took = started.elapsed();
        self.times[at].2 = took;
        self.times[at].3 = outcome.is_ok();
        eprintln!(
            "==> {name}: {} in {:.1} s",
            if outcome.is_ok() { "done" } else { "FAILED" },
            took.as_secs_f64()
        );
        outcome
    }

    /// The steps run so far: depth, name, time, success.
    pub(crate) fn times(&self) -> &[(usize, String, Duration, bool)] {
        &self.times
    }

    /// A command run in the repository's root.
    pub(crate) fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        command.current_dir(&self.root);
        command
    }
}

/// A heading line, as every step and part prints.
pub(crate) fn log(what: &str) {
    eprintln!("\n==> {what}");
}

/// Runs `command` to its end; fails unless it succeeds.
pub(crate) fn run(command: &mut Command) -> Result<(), Failure> {
    let shown = show(command);
    eprintln!("$ {shown}");
    let status =
        command.status().map_err(|err| Failure(format!("{shown}: cannot start: {err}")))?;
    if status.success() {
        Ok(())
    } else {
        fail(format!("{shown}: {status}"))
    }
}

/// Runs `command` and returns what it printed, if it succeeded.
pub(crate) fn output(command: &mut Command) -> Result<String, Failure> {
    let shown = show(command);
    let out = command.output().map_err(|err| Failure(format!("{shown}: cannot start: {err}")))?;
    if !out.status.success() {
        return fail(format!(
            "{shown}: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| Failure(format!("{shown}: printed no UTF-8")))
}

/// Whether `program` answers on PATH (runs it with `args`, output discarded).
pub(crate) fn answers(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn show(command: &Command) -> String {
    let mut shown = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        let arg = arg.to_string_lossy();
        if arg.contains(' ') {
            shown.push_str(&format!(" '{arg}'"));
        } else {
            shown.push(' ');
            shown.push_str(&arg);
        }
    }
    shown
}

/// The `--name VALUE` flags in `args`, each one of `known`; anything else is refused.
pub(crate) fn flags<'a>(
    args: &'a [String],
    known: &[&str],
) -> Result<std::collections::HashMap<&'a str, &'a str>, Failure> {
    let mut found = std::collections::HashMap::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if !known.contains(&arg.as_str()) {
            return fail(format!("unexpected argument {arg} (flags: {})", known.join(", ")));
        }
        let value = rest.next().ok_or_else(|| Failure(format!("{arg} needs a value")))?;
        found.insert(arg.as_str(), value.as_str());
    }
    Ok(found)
}

/// The number given as `name` in `flags`, or `default`.
pub(crate) fn number(
    flags: &std::collections::HashMap<&str, &str>,
    name: &str,
    default: u64,
) -> Result<u64, Failure> {
    flags.get(name).map_or(Ok(default), |value| {
        value.parse().map_err(|_| Failure(format!("{name}: not a number: {value}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn flags_are_read_by_name() {
        let given = args("--runs 9 --kiosk-runs 3");
        let found = flags(&given, &["--runs", "--kiosk-runs"]).unwrap();
        assert_eq!(number(&found, "--runs", 5).unwrap(), 9);
        assert_eq!(number(&found, "--kiosk-runs", 5).unwrap(), 3);
        let none = flags(&[], &["--runs"]).unwrap();
        assert_eq!(number(&none, "--runs", 5).unwrap(), 5);
        assert!(flags(&args("--runs"), &["--runs"]).is_err());
        assert!(flags(&args("--other 1"), &["--runs"]).is_err());
        assert!(flags(&args("7"), &["--runs"]).is_err());
        let bad = args("--runs x");
        assert!(number(&flags(&bad, &["--runs"]).unwrap(), "--runs", 5).is_err());
    }

    #[test]
    fn a_step_runs_once_per_run_and_is_timed() {
        let mut tasks = Tasks::new().unwrap();
        let mut ran = 0;
        tasks
            .step("outer", |tasks| {
                tasks.step("inner", |_| {
                    ran += 1;
                    Ok(())
                })?;
                tasks.step("inner", |_| {
                    ran += 1;
                    Ok(())
                })
            })
            .unwrap();
        assert_eq!(ran, 1);
        let names: Vec<(usize, &str)> =
            tasks.times().iter().map(|(depth, name, _, _)| (*depth, name.as_str())).collect();
        assert_eq!(names, [(0, "outer"), (1, "inner")]);
        let failed = tasks.step("failing", |_| fail("no"));
        assert!(failed.is_err());
        assert!(!tasks.times()[2].3);
    }
}
