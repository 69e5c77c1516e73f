//! ehcert's task runner (`cargo xtask STEP`, the Rust workspace convention; the shell `tasks`
//! installs the Debian packages first, then runs this). Each step runs alone and as part of
//! `test`, builds what it needs once per run (a step asked for twice, directly or by another,
//! runs once), prints how long it took, and `test` ends with a table of the steps and their
//! times. `--help` is written from [`STEPS`].

mod previous;
mod run;
mod steps;

use std::{process::ExitCode, time::Duration};

use run::{Failure, Tasks};

/// One step: its name, its arguments, what it does (the help), and the function that runs it.
pub(crate) struct Step {
    pub(crate) name: &'static str,
    pub(crate) usage: &'static str,
    pub(crate) about: &'static str,
    pub(crate) run: fn(&mut Tasks, &[String]) -> Result<(), Failure>,
}

/// Every step, in the order `test` runs those it runs.
pub(crate) const STEPS: &[Step] = &[
    Step {
        name: "setup",
        usage: "",
        about: "install what is missing: every crate of Cargo.lock (all targets), wasm-bindgen, \
                Trunk, cargo-deny, the npm packages (Debian's packages: `./tasks setup`, as root)",
        run: steps::setup,
    },
    Step {
        name: "check",
        usage: "",
        about:
            "cargo fmt, clippy (native and wasm32), no import cycles, citations, the extension's \
                type check and web-ext lint, cargo deny",
        run: steps::check,
    },
    Step {
        name: "unit",
        usage: "",
        about: "native unit and integration tests, the extension's unit tests, the fault soak's \
                short run (300 runs and 300 on a kiosk from a new seed base)",
        run: steps::unit,
    },
    Step {
        name: "fuzz",
        usage: "[--seconds N]",
        about: "build every fuzz target and run each for N seconds (5)",
        run: steps::fuzz,
    },
    Step {
        name: "app",
        usage: "",
        about: "build the app (dist/) and check its download against the budget",
        run: steps::app,
    },
    Step {
        name: "packages",
        usage: "",
        about: "the card bridge's .deb and the acceptance probe's (lintian), the bridge's \
                Windows .exe and MSIs (under Wine), the extension's store packages, into target/packages/ (EHCERT_RELEASE=1: a release, \
                packaging/README.md)",
        run: steps::packages,
    },
    Step {
        name: "e2e",
        usage: "[PROJECT|SPEC…] [-- FILTER]",
        about: "the Playwright suite, or only the projects (ehcert-serve, nginx, firefox, \
                kiosk-policy, installed-bridge) and specs named (`e2e new-certificate`), with the \
                servers they need; FILTER selects tests by title",
        run: steps::e2e,
    },
    Step {
        name: "test",
        usage: "",
        about: "every step above, in order (what .ci/run calls), then the table of their times",
        run: steps::test,
    },
    Step {
        name: "bench",
        usage: "",
        about: "measure the budgets of app/PRODUCT.md §6 and write docs/BENCHMARKS.md",
        run: steps::bench,
    },
    Step {
        name: "soak",
        usage: "[--runs N] [--kiosk-runs N]",
        about: "the flows' fault soak at length: 10 000 runs and a quarter as many on a kiosk",
        run: steps::soak,
    },
    Step {
        name: "demo",
        usage: "",
        about: "build and serve the app with the mock eHealth service and the simulated card on \
                http://127.0.0.1:8080",
        run: steps::demo,
    },
];

fn help() -> String {
    let mut text = String::from(
        "ehcert's tasks: ./tasks STEP [ARGS] (or cargo xtask STEP once Debian's packages are in)\n\n",
    );
    for step in STEPS {
        let head = format!("  {} {}", step.name, step.usage);
        text.push_str(&format!("{:<38}", head.trim_end()));
        // Wrapped at word boundaries, never mid-word.
        let mut line = 0;
        for word in step.about.split_whitespace() {
            if line > 0 && line + word.len() > 60 {
                text.push_str(&format!("\n{:38}", ""));
                line = 0;
            }
            if line > 0 {
                text.push(' ');
                line += 1;
            }
            text.push_str(word);
            line += word.len();
        }
        text.push('\n');
    }
    text
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        eprint!("{}", help());
        return ExitCode::from(2);
    };
    if matches!(name.as_str(), "-h" | "--help" | "help") {
        print!("{}", help());
        return ExitCode::SUCCESS;
    }
    let Some(step) = STEPS.iter().find(|step| step.name == name) else {
        eprint!("tasks: no step called {name:?}\n\n{}", help());
        return ExitCode::from(2);
    };
    let mut tasks = match Tasks::new() {
        Ok(tasks) => tasks,
        Err(failure) => {
            eprintln!("tasks: {failure}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = tasks.step(step.name, |tasks| (step.run)(tasks, &args[1..]));
    if tasks.times().len() > 1 {
        eprintln!("\n{}", table(tasks.times()));
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("tasks: {failure}");
            ExitCode::FAILURE
        }
    }
}

/// The steps that ran and how long each took, as a markdown table (nested steps indented).
fn table(times: &[(usize, String, Duration, bool)]) -> String {
    let mut text = String::from("| step | time | outcome |\n|---|---:|---|\n");
    for (depth, name, took, ok) in times {
        let indent = "\u{a0}\u{a0}".repeat(*depth);
        let outcome = if *ok { "ok" } else { "FAILED" };
        text.push_str(&format!("| {indent}{name} | {} | {outcome} |\n", format_duration(*took)));
    }
    text
}

fn format_duration(took: Duration) -> String {
    let seconds = took.as_secs();
    if seconds >= 60 {
        format!("{} min {:02} s", seconds / 60, seconds % 60)
    } else {
        format!("{:.1} s", took.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_names_every_step_and_cuts_no_word() {
        let help = help();
        for step in STEPS {
            assert!(help.contains(&format!("  {} ", step.name)), "{}", step.name);
            for word in step.about.split_whitespace() {
                assert!(help.contains(word), "{word} of {}", step.name);
            }
        }
    }

    #[test]
    fn the_table_lists_steps_in_order_with_their_outcome() {
        let times = vec![
            (0, "test".to_owned(), Duration::from_secs(125), false),
            (1, "setup".to_owned(), Duration::from_millis(1500), true),
            (1, "check".to_owned(), Duration::from_secs(61), false),
        ];
        let table = table(&times);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[2], "| test | 2 min 05 s | FAILED |");
        assert_eq!(lines[3], "| \u{a0}\u{a0}setup | 1.5 s | ok |");
        assert_eq!(lines[4], "| \u{a0}\u{a0}check | 1 min 01 s | FAILED |");
    }
}
