//! The card bridge's macOS installer package, written on any system (packaging/README.md, macOS):
//!
//! ```text
//! ehcert-macos-pkg build --out PKG --version VERSION --bridge FILE --uninstall FILE --scripts DIR
//! ehcert-macos-pkg bom FILE
//! ```
//!
//! `build` lays the bridge and its uninstall script out as they land on the Mac and writes a flat
//! package (a xar archive holding a Distribution and one component: PackageInfo, Bom, a cpio
//! Payload and a Scripts archive with the postinstall) through `embala-pkg`, which writes the
//! shape Apple's `productbuild` writes. The Distribution enables both installation domains,
//! so the Installer offers "Install for me only" (the user's home: no administrator password)
//! beside "Install for all users of this computer"; the payload is the same in both, rooted at
//! the domain, and the postinstall registers the bridge with the browsers of the domain it was
//! installed in (packaging/macos/postinstall).
//!
//! `bom` prints what a package's Bill of Materials says it installs, one path a line with its
//! mode, owner and size, like Apple's `lsbom -p MUGsf`: the checks compare it with the payload.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

/// The receipt's name (`pkgutil --pkgs`), the same as the one the uninstall script forgets.
const IDENTIFIER: &str = "be.ehcert.card-bridge";
/// Where the bridge lands, under the domain's root: `~` for one user, `/` for all.
const INSTALL_FOLDER: &str = "Library/Application Support/ehcert";

#[derive(Debug, thiserror::Error)]
enum Error {
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    #[error("cannot write the package: {0}")]
    Package(#[from] embala_pkg::Error),
    #[error("{0}: {1}")]
    File(PathBuf, std::io::Error),
    #[error("{0} is not a Bill of Materials: {1}")]
    Bom(PathBuf, apple_bom::Error),
    #[error("cannot read the package back: {0}")]
    Xar(#[from] apple_xar::Error),
    #[error("the package written has no {0}")]
    Missing(String),
}

const USAGE: &str = "usage:
  ehcert-macos-pkg build --out PKG --version VERSION --bridge FILE --uninstall FILE --scripts DIR
  ehcert-macos-pkg bom FILE";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ehcert-macos-pkg: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), Error> {
    match args {
        [command, rest @ ..] if command == "build" => build(&Build::parse(rest)?),
        [command, file] if command == "bom" => {
            print!("{}", bom_listing(file.as_ref())?);
            Ok(())
        }
        _ => Err(Error::Usage("unknown command".into())),
    }
}

/// What `build` was given.
#[derive(Debug, Default, PartialEq)]
struct Build {
    out: PathBuf,
    version: String,
    bridge: PathBuf,
    uninstall: PathBuf,
    scripts: PathBuf,
}

impl Build {
    fn parse(args: &[String]) -> Result<Self, Error> {
        let mut build = Self::default();
        let mut pairs = args.chunks(2);
        for pair in &mut pairs {
            let [flag, value] = pair else {
                return Err(Error::Usage(format!("{} needs a value", pair[0])));
            };
            match flag.as_str() {
                "--out" => build.out = value.into(),
                "--version" => build.version.clone_from(value),
                "--bridge" => build.bridge = value.into(),
                "--uninstall" => build.uninstall = value.into(),
                "--scripts" => build.scripts = value.into(),
                other => return Err(Error::Usage(format!("unknown option {other}"))),
            }
        }
        let missing = [
            ("--out", build.out.as_os_str().is_empty()),
            ("--version", build.version.is_empty()),
            ("--bridge", build.bridge.as_os_str().is_empty()),
            ("--uninstall", build.uninstall.as_os_str().is_empty()),
            ("--scripts", build.scripts.as_os_str().is_empty()),
        ];
        match missing.iter().find(|(_, missing)| *missing) {
            Some((flag, _)) => Err(Error::Usage(format!("{flag} is missing"))),
            None => Ok(build),
        }
    }

    /// The package as embala-pkg takes it: installed at the domain's root, both domains
    /// enabled, the two programs executable by everyone and written by the owner only.
    fn spec(&self) -> embala_pkg::PkgSpec {
        embala_pkg::PkgSpec {
            name: "ehcert-card-bridge".into(),
            display_name: "ehcert card bridge".into(),
            identifier: IDENTIFIER.into(),
            version: self.version.clone(),
            install_location: "/".into(),
            enable_user_home: true,
            files: vec![
                embala_pkg::FileSpec {
                    src: self.bridge.clone(),
                    dest: format!("{INSTALL_FOLDER}/card-bridge"),
                    mode: Some(0o755),
                },
                embala_pkg::FileSpec {
                    src: self.uninstall.clone(),
                    dest: format!("{INSTALL_FOLDER}/uninstall.sh"),
                    mode: Some(0o755),
                },
            ],
            directories: Vec::new(),
            scripts: Some(self.scripts.clone()),
        }
    }
}

fn build(build: &Build) -> Result<(), Error> {
    embala_pkg::build(&build.spec(), &build.out)?;
    keep_existing_permissions(&build.out)?;
    println!("{}", build.out.display());
    Ok(())
}

/// The component as embala-pkg lays it out in the archive (its `build`), in its order: each
/// part's name in the component's folder, and whether it is stored as it is (already gzipped)
/// or compressed.
const COMPONENT: &str = "ehcert-card-bridge.pkg";
const PARTS: [(&str, bool); 4] =
    [("Bom", false), ("Payload", true), ("Scripts", true), ("PackageInfo", false)];
const OVERWRITE: &str = r#"overwrite-permissions="true""#;

/// embala-pkg writes pkgbuild's `overwrite-permissions="true"`, with which the Installer gives
/// every folder of the payload that already exists the payload's mode. Installed for one user,
/// the payload's `Library` is the user's `~/Library`, which macOS keeps private (0700); the
/// payload's 0755 would open it to every other account of the Mac. With "false" a folder that
/// exists keeps its mode and owner, and only the folders the package creates get the payload's
/// (Apple's Distribution and PackageInfo reference, `pkg-info`).
fn keep_existing_permissions(package: &Path) -> Result<(), Error> {
    let file = std::fs::File::open(package).map_err(|err| Error::File(package.into(), err))?;
    let mut reader = apple_xar::reader::XarReader::new(file)?;
    let mut data = |path: &str| -> Result<Vec<u8>, Error> {
        reader.get_file_data_from_path(path)?.ok_or_else(|| Error::Missing(path.to_owned()))
    };
    let mut parts = Vec::with_capacity(PARTS.len());
    for (name, store) in PARTS {
        let mut bytes = data(&format!("{COMPONENT}/{name}"))?;
        if name == "PackageInfo" {
            let text = String::from_utf8_lossy(&bytes);
            if text.matches(OVERWRITE).count() != 1 {
                return Err(Error::Missing("overwrite-permissions in PackageInfo".into()));
            }
            bytes = text.replace(OVERWRITE, r#"overwrite-permissions="false""#).into_bytes();
        }
        parts.push((name, store, bytes));
    }
    let distribution = data("Distribution")?;
    let children = parts
        .iter()
        .map(|(name, store, bytes)| embala_pkg::XarEntry {
            name,
            kind: embala_pkg::XarEntryKind::File { data: bytes, mode: 0o644, store: *store },
        })
        .collect();
    let entries = [
        embala_pkg::XarEntry {
            name: COMPONENT,
            kind: embala_pkg::XarEntryKind::Directory { mode: 0o700, children },
        },
        embala_pkg::XarEntry {
            name: "Distribution",
            kind: embala_pkg::XarEntryKind::File { data: &distribution, mode: 0o644, store: false },
        },
    ];
    let mut archive = Vec::new();
    embala_pkg::write_xar(&entries, &mut archive)?;
    std::fs::write(package, archive).map_err(|err| Error::File(package.into(), err))
}

/// The Bill of Materials as text: `path<TAB>mode (octal, with the type bits)<TAB>uid/gid<TAB>size`,
/// in the Bom's order.
fn bom_listing(file: &Path) -> Result<String, Error> {
    let data = std::fs::read(file).map_err(|err| Error::File(file.into(), err))?;
    let bom = apple_bom::ParsedBom::parse(&data).map_err(|err| Error::Bom(file.into(), err))?;
    let paths = bom.paths().map_err(|err| Error::Bom(file.into(), err))?;
    Ok(paths
        .iter()
        .map(|path| {
            format!(
                "{}\t{:o}\t{}/{}\t{}\n",
                path.path(),
                path.file_mode(),
                path.user_id(),
                path.group_id(),
                path.size()
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn build_needs_every_input_and_knows_no_other() {
        let all = args(&[
            "--out",
            "a.pkg",
            "--version",
            "1.2.3",
            "--bridge",
            "b",
            "--uninstall",
            "u",
            "--scripts",
            "s",
        ]);
        let parsed = Build::parse(&all).unwrap();
        assert_eq!(parsed.version, "1.2.3");
        assert_eq!(parsed.scripts, Path::new("s"));
        assert!(
            matches!(Build::parse(&all[2..]), Err(Error::Usage(text)) if text.contains("--out"))
        );
        assert!(Build::parse(&args(&["--out"])).is_err());
        assert!(Build::parse(&args(&["--sign", "x"])).is_err());
    }

    #[test]
    fn a_package_written_keeps_existing_folders_and_lists_its_payload_in_its_bom() {
        let folder = std::env::temp_dir().join(format!("ehcert-macos-pkg-{}", std::process::id()));
        let scripts = folder.join("scripts");
        std::fs::create_dir_all(&scripts).unwrap();
        std::fs::write(folder.join("card-bridge"), b"\xcf\xfa\xed\xfe not really").unwrap();
        std::fs::write(folder.join("uninstall.sh"), b"#!/bin/sh\n").unwrap();
        let out = folder.join("out.pkg");
        build(&Build {
            out: out.clone(),
            version: "0.1.0".into(),
            bridge: folder.join("card-bridge"),
            uninstall: folder.join("uninstall.sh"),
            scripts,
        })
        .unwrap();
        let mut reader =
            apple_xar::reader::XarReader::new(std::fs::File::open(&out).unwrap()).unwrap();
        let info =
            reader.get_file_data_from_path(&format!("{COMPONENT}/PackageInfo")).unwrap().unwrap();
        let info = String::from_utf8(info).unwrap();
        assert!(info.contains(r#"overwrite-permissions="false""#), "{info}");
        assert!(info.contains(r#"install-location="/""#), "{info}");
        let distribution = reader.get_file_data_from_path("Distribution").unwrap().unwrap();
        assert!(String::from_utf8(distribution)
            .unwrap()
            .contains(r#"enable_currentUserHome="true""#));
        std::fs::write(
            folder.join("Bom"),
            reader.get_file_data_from_path(&format!("{COMPONENT}/Bom")).unwrap().unwrap(),
        )
        .unwrap();
        let listing = bom_listing(&folder.join("Bom")).unwrap();
        assert!(listing.starts_with(".\t40755\t0/0\t"), "{listing}");
        assert!(
            listing.contains("./Library/Application Support/ehcert/card-bridge\t100755\t0/0\t15\n"),
            "{listing}"
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
