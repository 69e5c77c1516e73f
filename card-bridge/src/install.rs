//! Registering the bridge with browsers: the native-messaging host manifest, written where each
//! browser looks for it (extension/NATIVE-MESSAGING.md §4, §10, §11): per user on Linux and macOS, and on
//! Windows a manifest beside the executable plus the browser's registry key pointing at it.

use std::{
    io,
    path::{Path, PathBuf},
};

use ehcert_shared::bridge::{CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID, HOST_NAME};

/// The Chromium-family extensions this build of the bridge answers, by id: the development
/// build's unless the release pipeline names the stores' ids when compiling
/// (`EHCERT_CHROMIUM_EXTENSION_IDS`, comma-separated: the Chrome Web Store's and Edge Add-ons'
/// ids differ; packaging/README.md).
pub(crate) fn chromium_extension_ids() -> Vec<&'static str> {
    option_env!("EHCERT_CHROMIUM_EXTENSION_IDS")
        .unwrap_or(CHROMIUM_EXTENSION_ID)
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .collect()
}

/// The Firefox add-on this build answers: the development build's unless the release pipeline
/// names the release id (`EHCERT_FIREFOX_EXTENSION_ID`, normally
/// `ehcert_shared::bridge::RELEASE_FIREFOX_EXTENSION_ID`).
pub(crate) fn firefox_extension_id() -> &'static str {
    option_env!("EHCERT_FIREFOX_EXTENSION_ID").unwrap_or(FIREFOX_EXTENSION_ID)
}

/// The systems the bridge is built for, each with its own folders.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum Os {
    Linux,
    Mac,
    Windows,
}

impl Os {
    /// The one this build runs on.
    pub(crate) const THIS: Self = if cfg!(windows) {
        Self::Windows
    } else if cfg!(target_os = "macos") {
        Self::Mac
    } else {
        Self::Linux
    };
}

/// A browser the bridge can be registered with.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum Browser {
    Chrome,
    Chromium,
    Edge,
    Firefox,
    /// Brave and Vivaldi: Chromium browsers with their own settings folders on Linux and macOS
    /// (the folders KeePassXC's `NativeMessageInstaller` registers its host in), which read
    /// Chrome's registration on Windows.
    Brave,
    Vivaldi,
}

impl Browser {
    pub(crate) const ALL: [Self; 6] =
        [Self::Chrome, Self::Chromium, Self::Edge, Self::Firefox, Self::Brave, Self::Vivaldi];

    pub(crate) fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|browser| browser.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Chrome => "chrome",
            Self::Chromium => "chromium",
            Self::Edge => "edge",
            Self::Firefox => "firefox",
            Self::Brave => "brave",
            Self::Vivaldi => "vivaldi",
        }
    }

    /// The manifest: Chromium browsers name the extension by origin, Firefox by add-on id, and
    /// Firefox complains about the other key, so each gets its own file.
    pub(crate) fn manifest(self, executable: &Path) -> String {
        let (key, allowed) = match self {
            Self::Firefox => ("allowed_extensions", vec![firefox_extension_id().to_owned()]),
            _ => (
                "allowed_origins",
                chromium_extension_ids()
                    .into_iter()
                    .map(|id| format!("chrome-extension://{id}/"))
                    .collect(),
            ),
        };
        let manifest = serde_json::json!({
            "name": HOST_NAME,
            "description": "ehcert card bridge: Belgian eID for the ehcert page",
            "path": executable.to_string_lossy(),
            "type": "stdio",
            key: allowed,
        });
        let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The per-user folder this browser reads host manifests from, under `home`, on this system.
    pub(crate) fn user_folder(self, home: &Path) -> PathBuf {
        self.user_folder_on(Os::THIS, home)
    }

    /// The per-user folder on `os` (Chrome's, Microsoft's and MDN's native-messaging pages).
    pub(crate) fn user_folder_on(self, os: Os, home: &Path) -> PathBuf {
        match os {
            // Any folder will do on Windows: the registry key points at the file. Brave and
            // Vivaldi read Chrome's key, so they share Chrome's file.
            Os::Windows => {
                let name = match self {
                    Self::Brave | Self::Vivaldi => Self::Chrome.name(),
                    _ => self.name(),
                };
                home.join("AppData/Local/ehcert/NativeMessagingHosts").join(name)
            }
            Os::Mac => {
                let support = home.join("Library/Application Support");
                match self {
                    Self::Chrome => support.join("Google/Chrome/NativeMessagingHosts"),
                    Self::Chromium => support.join("Chromium/NativeMessagingHosts"),
                    Self::Edge => support.join("Microsoft Edge/NativeMessagingHosts"),
                    Self::Firefox => support.join("Mozilla/NativeMessagingHosts"),
                    Self::Brave => support.join("BraveSoftware/Brave-Browser/NativeMessagingHosts"),
                    Self::Vivaldi => support.join("Vivaldi/NativeMessagingHosts"),
                }
            }
            Os::Linux => match self {
                Self::Chrome => home.join(".config/google-chrome/NativeMessagingHosts"),
                Self::Chromium => home.join(".config/chromium/NativeMessagingHosts"),
                Self::Edge => home.join(".config/microsoft-edge/NativeMessagingHosts"),
                Self::Firefox => home.join(".mozilla/native-messaging-hosts"),
                Self::Brave => {
                    home.join(".config/BraveSoftware/Brave-Browser/NativeMessagingHosts")
                }
                Self::Vivaldi => home.join(".config/vivaldi/NativeMessagingHosts"),
            },
        }
    }

    /// The folder this browser reads host manifests from for every user of the computer, where
    /// the packages for all users put them (packaging/README.md); none on Windows, where the
    /// machine-wide registry key points at the file, and none known for Brave and Vivaldi,
    /// which are registered per user.
    pub(crate) fn system_folder_on(self, os: Os) -> Option<PathBuf> {
        let folder = match (os, self) {
            (Os::Windows, _) | (_, Self::Brave | Self::Vivaldi) => return None,
            (Os::Mac, Self::Chrome) => "/Library/Google/Chrome/NativeMessagingHosts",
            (Os::Mac, Self::Chromium) => {
                "/Library/Application Support/Chromium/NativeMessagingHosts"
            }
            (Os::Mac, Self::Edge) => "/Library/Microsoft/Edge/NativeMessagingHosts",
            (Os::Mac, Self::Firefox) => "/Library/Application Support/Mozilla/NativeMessagingHosts",
            (Os::Linux, Self::Chrome) => "/etc/opt/chrome/native-messaging-hosts",
            (Os::Linux, Self::Chromium) => "/etc/chromium/native-messaging-hosts",
            (Os::Linux, Self::Edge) => "/etc/opt/edge/native-messaging-hosts",
            (Os::Linux, Self::Firefox) => "/usr/lib/mozilla/native-messaging-hosts",
        };
        Some(PathBuf::from(folder))
    }

    /// The registry key that points at the manifest on Windows (HKEY_CURRENT_USER).
    #[cfg_attr(not(windows), allow(dead_code))]
    pub(crate) fn registry_key(self) -> String {
        let vendor = match self {
            Self::Chrome | Self::Brave | Self::Vivaldi => r"Google\Chrome",
            Self::Chromium => "Chromium",
            Self::Edge => r"Microsoft\Edge",
            Self::Firefox => "Mozilla",
        };
        format!(r"HKCU\Software\{vendor}\NativeMessagingHosts\{HOST_NAME}")
    }
}

/// Where a manifest goes: a browser's user folder, or a Chromium profile given on the command line
/// (`<user-data-dir>/NativeMessagingHosts`, as tests and kiosks use).
pub(crate) fn manifest_path(
    browser: Browser,
    home: &Path,
    user_data_dir: Option<&Path>,
) -> PathBuf {
    let folder = match user_data_dir {
        Some(profile) if browser != Browser::Firefox => profile.join("NativeMessagingHosts"),
        _ => browser.user_folder(home),
    };
    folder.join(format!("{HOST_NAME}.json"))
}

/// What a browser would find of the bridge: the first manifest of ours in `folders` (the order
/// the browser looks in), and whether it names `executable`.
#[derive(Debug, Eq, PartialEq)]
pub(crate) enum Registration {
    /// A manifest names this very bridge.
    This(PathBuf),
    /// A manifest names another program, or is not valid JSON (then `names` is empty): the
    /// browser starts that program, or nothing.
    Other {
        manifest: PathBuf,
        names: String,
    },
    NotRegistered,
}

/// The folders `browser` reads manifests from on this system, per user first (the order
/// Chrome and Firefox look in).
pub(crate) fn manifest_folders(browser: Browser, home: &Path) -> Vec<PathBuf> {
    std::iter::once(browser.user_folder(home)).chain(browser.system_folder_on(Os::THIS)).collect()
}

pub(crate) fn registration(folders: &[PathBuf], executable: &Path) -> Registration {
    for folder in folders {
        let manifest = folder.join(format!("{HOST_NAME}.json"));
        let Ok(text) = std::fs::read_to_string(&manifest) else { continue };
        let names = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|value| value["path"].as_str().map(str::to_owned))
            .unwrap_or_default();
        return if Path::new(&names) == executable {
            Registration::This(manifest)
        } else {
            Registration::Other { manifest, names }
        };
    }
    Registration::NotRegistered
}

/// Writes the manifest for `browser`; returns where.
pub(crate) fn install(
    browser: Browser,
    executable: &Path,
    home: &Path,
    user_data_dir: Option<&Path>,
) -> io::Result<PathBuf> {
    let path = manifest_path(browser, home, user_data_dir);
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(&path, browser.manifest(executable))?;
    #[cfg(windows)]
    register_on_windows(browser, &path)?;
    Ok(path)
}

/// Removes the manifest for `browser`; returns it if there was one.
pub(crate) fn uninstall(
    browser: Browser,
    home: &Path,
    user_data_dir: Option<&Path>,
) -> io::Result<Option<PathBuf>> {
    let path = manifest_path(browser, home, user_data_dir);
    #[cfg(windows)]
    {
        let _ = std::process::Command::new(reg_exe(std::env::var_os("SystemRoot")))
            .args(["delete", &browser.registry_key(), "/f"])
            .status();
    }
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(Some(path)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

/// Windows' `reg.exe` by its full path, `%SystemRoot%\System32\reg.exe`: a bare `reg` would
/// be looked up in the current folder first and then the search path, where anything called
/// `reg.exe` could stand in for it. Windows sets `SystemRoot` for every process.
#[cfg_attr(not(windows), allow(dead_code))]
fn reg_exe(system_root: Option<std::ffi::OsString>) -> PathBuf {
    let root = system_root.map_or_else(|| PathBuf::from(r"C:\Windows"), PathBuf::from);
    root.join("System32").join("reg.exe")
}

#[cfg(windows)]
fn register_on_windows(browser: Browser, manifest: &Path) -> io::Result<()> {
    let status = std::process::Command::new(reg_exe(std::env::var_os("SystemRoot")))
        .args(["add", &browser.registry_key(), "/ve", "/t", "REG_SZ", "/d"])
        .arg(manifest)
        .arg("/f")
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!("reg add failed ({status})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reg_exe_is_named_by_its_full_path_never_looked_up() {
        let named = reg_exe(Some(r"D:\WINNT".into()));
        assert!(named.starts_with(r"D:\WINNT"), "{named:?}");
        assert!(named.ends_with("reg.exe"));
        assert!(reg_exe(None).starts_with(r"C:\Windows"));
    }

    #[test]
    fn chromium_and_firefox_manifests_name_the_extension_their_own_way() {
        let chromium: serde_json::Value =
            serde_json::from_str(&Browser::Chromium.manifest(Path::new("/opt/ehcert/card-bridge")))
                .unwrap();
        assert_eq!(chromium["name"], HOST_NAME);
        assert_eq!(chromium["path"], "/opt/ehcert/card-bridge");
        assert_eq!(chromium["type"], "stdio");
        assert_eq!(
            chromium["allowed_origins"][0],
            format!("chrome-extension://{}/", chromium_extension_ids()[0])
        );
        assert!(chromium.get("allowed_extensions").is_none());
        let firefox: serde_json::Value = serde_json::from_str(
            &Browser::Firefox.manifest(Path::new("C:\\Program Files\\ehcert\\card-bridge.exe")),
        )
        .unwrap();
        assert_eq!(firefox["allowed_extensions"][0], firefox_extension_id());
        assert_eq!(firefox["path"], "C:\\Program Files\\ehcert\\card-bridge.exe");
        assert!(firefox.get("allowed_origins").is_none());
    }

    #[test]
    fn the_compiled_in_extension_ids_are_well_formed() {
        // A Chromium id is 32 letters a–p (the key's SHA-256, hex digits shifted to a–p); a
        // Firefox id an e-mail-like name or a {GUID}. A typo in a release pipeline's variable
        // would otherwise make a package that no browser lets talk to the bridge.
        let ids = chromium_extension_ids();
        assert!(!ids.is_empty());
        for id in ids {
            assert!(id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b)), "{id:?}");
        }
        let firefox = firefox_extension_id();
        assert!(
            (firefox.contains('@') && !firefox.contains(char::is_whitespace))
                || (firefox.starts_with('{') && firefox.ends_with('}')),
            "{firefox:?}"
        );
        if option_env!("EHCERT_CHROMIUM_EXTENSION_IDS").is_none() {
            assert_eq!(chromium_extension_ids(), [CHROMIUM_EXTENSION_ID]);
        }
        if option_env!("EHCERT_FIREFOX_EXTENSION_ID").is_none() {
            assert_eq!(firefox_extension_id(), FIREFOX_EXTENSION_ID);
        }
    }

    #[test]
    fn a_profile_folder_is_used_for_chromium_browsers_only() {
        let home = Path::new("/home/dr");
        let profile = Path::new("/tmp/profile");
        assert_eq!(
            manifest_path(Browser::Chromium, home, Some(profile)),
            Path::new("/tmp/profile/NativeMessagingHosts/be.ehcert.card_bridge.json")
        );
        assert_eq!(
            manifest_path(Browser::Firefox, home, Some(profile)),
            Browser::Firefox.user_folder(home).join("be.ehcert.card_bridge.json")
        );
        if cfg!(target_os = "linux") {
            assert_eq!(
                manifest_path(Browser::Chrome, home, None),
                Path::new("/home/dr/.config/google-chrome/NativeMessagingHosts/be.ehcert.card_bridge.json")
            );
        }
    }

    #[test]
    fn each_system_has_its_own_per_user_folders() {
        let folder = |os, browser: Browser, home: &str| browser.user_folder_on(os, Path::new(home));
        assert_eq!(
            folder(Os::Mac, Browser::Chrome, "/Users/dr"),
            Path::new("/Users/dr/Library/Application Support/Google/Chrome/NativeMessagingHosts")
        );
        assert_eq!(
            folder(Os::Mac, Browser::Chromium, "/Users/dr"),
            Path::new("/Users/dr/Library/Application Support/Chromium/NativeMessagingHosts")
        );
        assert_eq!(
            folder(Os::Mac, Browser::Edge, "/Users/dr"),
            Path::new("/Users/dr/Library/Application Support/Microsoft Edge/NativeMessagingHosts")
        );
        assert_eq!(
            folder(Os::Mac, Browser::Firefox, "/Users/dr"),
            Path::new("/Users/dr/Library/Application Support/Mozilla/NativeMessagingHosts")
        );
        assert_eq!(
            folder(Os::Linux, Browser::Firefox, "/home/dr"),
            Path::new("/home/dr/.mozilla/native-messaging-hosts")
        );
        assert_eq!(
            folder(Os::Linux, Browser::Brave, "/home/dr"),
            Path::new("/home/dr/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts")
        );
        assert_eq!(
            folder(Os::Linux, Browser::Vivaldi, "/home/dr"),
            Path::new("/home/dr/.config/vivaldi/NativeMessagingHosts")
        );
        assert_eq!(
            folder(Os::Mac, Browser::Brave, "/Users/dr"),
            Path::new(
                "/Users/dr/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts"
            )
        );
        assert_eq!(
            folder(Os::Mac, Browser::Vivaldi, "/Users/dr"),
            Path::new("/Users/dr/Library/Application Support/Vivaldi/NativeMessagingHosts")
        );
        // On Windows Brave and Vivaldi read Chrome's registry key, so they share its file.
        assert_eq!(
            folder(Os::Windows, Browser::Brave, "C:/Users/dr"),
            folder(Os::Windows, Browser::Chrome, "C:/Users/dr")
        );
        assert_eq!(Browser::Vivaldi.registry_key(), Browser::Chrome.registry_key());
        assert_eq!(
            folder(Os::Windows, Browser::Edge, "C:/Users/dr"),
            Path::new("C:/Users/dr/AppData/Local/ehcert/NativeMessagingHosts/edge")
        );
        assert_eq!(
            Browser::Chrome.user_folder(Path::new("/h")),
            folder(Os::THIS, Browser::Chrome, "/h")
        );
    }

    #[test]
    fn the_macos_package_registers_where_the_bridge_would() {
        // packaging/macos/scripts/postinstall writes the manifests itself (it runs before the
        // bridge could). Its folders for all users (before its `else`) and per user (after it),
        // with the volume or the home as "/", must be these.
        let script = include_str!("../../packaging/macos/scripts/postinstall");
        let (system, user) = script.split_once("\nelse\n").unwrap();
        let folders = |branch: &str| -> std::collections::BTreeSet<String> {
            branch
                .lines()
                .filter(|line| line.contains("NativeMessagingHosts") && !line.starts_with('#'))
                .map(|line| {
                    let folder = line.rsplit_once('=').map_or(line, |(_, value)| value);
                    folder
                        .trim_matches('"')
                        .replace("$support", "/Library/Application Support")
                        .replace("$destination", "")
                })
                .collect()
        };
        let expected_user = Browser::ALL
            .map(|browser| browser.user_folder_on(Os::Mac, Path::new("/")).display().to_string());
        let expected_system = Browser::ALL
            .iter()
            .filter_map(|browser| browser.system_folder_on(Os::Mac))
            .map(|folder| folder.display().to_string())
            .collect();
        assert_eq!(folders(user), expected_user.into_iter().collect());
        assert_eq!(folders(system.rsplit_once("\nif ").unwrap().1), expected_system);
    }

    #[test]
    fn the_registration_found_is_the_first_manifest_a_browser_reads() {
        let root = tempfile::tempdir().unwrap();
        let user = root.path().join("user");
        let system = root.path().join("system");
        let bridge = Path::new("/opt/ehcert/card-bridge");
        let folders = [user.clone(), system.clone()];
        assert_eq!(registration(&folders, bridge), Registration::NotRegistered);
        std::fs::create_dir_all(&system).unwrap();
        std::fs::write(system.join(format!("{HOST_NAME}.json")), Browser::Chrome.manifest(bridge))
            .unwrap();
        assert_eq!(
            registration(&folders, bridge),
            Registration::This(system.join(format!("{HOST_NAME}.json")))
        );
        std::fs::create_dir_all(&user).unwrap();
        let old = Path::new("/Users/dr/old/card-bridge");
        std::fs::write(user.join(format!("{HOST_NAME}.json")), Browser::Chrome.manifest(old))
            .unwrap();
        assert_eq!(
            registration(&folders, bridge),
            Registration::Other {
                manifest: user.join(format!("{HOST_NAME}.json")),
                names: old.display().to_string()
            }
        );
    }

    #[test]
    fn system_folders_are_the_packages_own() {
        assert_eq!(
            Browser::Chrome.system_folder_on(Os::Mac).unwrap(),
            Path::new("/Library/Google/Chrome/NativeMessagingHosts")
        );
        assert_eq!(
            Browser::Edge.system_folder_on(Os::Mac).unwrap(),
            Path::new("/Library/Microsoft/Edge/NativeMessagingHosts")
        );
        // The Linux packages (.deb and .rpm) install into these: packaging/linux/bridge-files.sh.
        let packages = include_str!("../../packaging/linux/bridge-files.sh");
        for folder in Browser::ALL.iter().filter_map(|browser| browser.system_folder_on(Os::Linux))
        {
            assert!(packages.contains(&*folder.to_string_lossy()), "{folder:?}");
        }
        assert_eq!(Browser::Firefox.system_folder_on(Os::Windows), None);
    }
}
