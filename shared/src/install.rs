//! Where a person gets what the page needs on their computer: the extension from their
//! browser's store and the card bridge's package for their system. The operator of a hosted
//! page states the addresses (`ehcert-serve`'s `install` setting), the server writes each into
//! the page as `<meta name="ehcert-install-NAME" content="ADDRESS">`, and the page links to the
//! one for the browser and the system it runs on when the extension or the bridge is missing.
//! Packages and stores: packaging/README.md.

/// Something a person downloads, for one browser or one system.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Ord, PartialOrd)]
pub enum Download {
    /// The extension in the Chrome Web Store (Chrome, and Chromium-based browsers but Edge).
    ExtensionChrome,
    /// The extension in Microsoft Edge Add-ons.
    ExtensionEdge,
    /// The extension on addons.mozilla.org.
    ExtensionFirefox,
    /// The card bridge's MSI (per user) for Windows.
    BridgeWindows,
    /// The card bridge's package for macOS.
    BridgeMacos,
    /// The card bridge's Debian package (Debian, Ubuntu and their kin).
    BridgeLinux,
    /// The card bridge's RPM package (Fedora, Red Hat and their kin, openSUSE).
    BridgeLinuxRpm,
}

impl Download {
    /// Every download, in the order a configuration lists them.
    pub const ALL: [Download; 7] = [
        Download::ExtensionChrome,
        Download::ExtensionEdge,
        Download::ExtensionFirefox,
        Download::BridgeWindows,
        Download::BridgeMacos,
        Download::BridgeLinux,
        Download::BridgeLinuxRpm,
    ];

    /// Its name in the server's `install` setting and in the page's `<meta>`.
    pub fn name(self) -> &'static str {
        match self {
            Download::ExtensionChrome => "extension-chrome",
            Download::ExtensionEdge => "extension-edge",
            Download::ExtensionFirefox => "extension-firefox",
            Download::BridgeWindows => "bridge-windows",
            Download::BridgeMacos => "bridge-macos",
            Download::BridgeLinux => "bridge-linux",
            Download::BridgeLinuxRpm => "bridge-linux-rpm",
        }
    }

    /// The download called `name`.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|download| download.name() == name)
    }

    /// The `name` of the page's `<meta>` holding its address.
    pub fn meta_name(self) -> String {
        format!("ehcert-install-{}", self.name())
    }

    /// The extension's store for the browser of `user_agent` (the `User-Agent` header, or
    /// `navigator.userAgent`): Firefox's, Edge's (`Edg/`), else the Chrome Web Store.
    pub fn extension_for(user_agent: &str) -> Download {
        if user_agent.contains("Firefox/") {
            Download::ExtensionFirefox
        } else if user_agent.contains("Edg/") {
            Download::ExtensionEdge
        } else {
            Download::ExtensionChrome
        }
    }

    /// The card bridge's packages for the system of `user_agent`, the likelier first; empty
    /// where there is none (phones and tablets: no card bridge, and no extensions that talk to
    /// native programs). On Linux the browser seldom says which distribution it runs on
    /// (Chrome and Chromium never; Fedora's and Ubuntu's Firefox do): where it does, its
    /// family's package alone, otherwise both, the Debian one first.
    pub fn bridges_for(user_agent: &str) -> Vec<Download> {
        let names = |names: &[&str]| names.iter().any(|name| user_agent.contains(name));
        if names(&["Android", "iPhone", "iPad", "CrOS"]) {
            vec![]
        } else if user_agent.contains("Windows") {
            vec![Download::BridgeWindows]
        } else if names(&["Macintosh", "Mac OS X"]) {
            vec![Download::BridgeMacos]
        } else if !names(&["Linux", "X11"]) {
            vec![]
        } else if names(&["Fedora", "Red Hat", "CentOS", "SUSE"]) {
            vec![Download::BridgeLinuxRpm]
        } else if names(&["Ubuntu", "Debian", "Mint"]) {
            vec![Download::BridgeLinux]
        } else {
            vec![Download::BridgeLinux, Download::BridgeLinuxRpm]
        }
    }

    /// Whether `address` may be offered as a download: an `https://` address, or a path on the
    /// page's own server (`/downloads/…`), without what would end the `<meta>` it goes in.
    pub fn acceptable_address(address: &str) -> bool {
        let placed = address.starts_with("https://") && address.len() > "https://".len()
            || address.starts_with('/') && !address.starts_with("//");
        placed
            && !address.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'<>`".contains(c))
    }
}

#[cfg(test)]
mod tests {
    use super::Download;

    // User-Agent strings as these browsers send them (reduced forms of current versions).
    const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";
    const EDGE_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0";
    const FIREFOX_MAC: &str =
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:145.0) Gecko/20100101 Firefox/145.0";
    const CHROMIUM_LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";
    const FIREFOX_LINUX: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    const FIREFOX_FEDORA: &str =
        "Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0";
    const FIREFOX_UBUNTU: &str =
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0";
    const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36";
    const SAFARI_IPAD: &str = "Mozilla/5.0 (iPad; CPU OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";

    #[test]
    fn each_browser_gets_its_own_store_and_each_system_its_package() {
        use Download::*;
        let pick = |agent| (Download::extension_for(agent), Download::bridges_for(agent));
        assert_eq!(pick(CHROME_WINDOWS), (ExtensionChrome, vec![BridgeWindows]));
        assert_eq!(pick(EDGE_WINDOWS), (ExtensionEdge, vec![BridgeWindows]));
        assert_eq!(pick(FIREFOX_MAC), (ExtensionFirefox, vec![BridgeMacos]));
        // Linux: the distribution where the browser names it, both packages where it does not.
        assert_eq!(pick(CHROMIUM_LINUX), (ExtensionChrome, vec![BridgeLinux, BridgeLinuxRpm]));
        assert_eq!(pick(FIREFOX_LINUX), (ExtensionFirefox, vec![BridgeLinux, BridgeLinuxRpm]));
        assert_eq!(pick(FIREFOX_FEDORA), (ExtensionFirefox, vec![BridgeLinuxRpm]));
        assert_eq!(pick(FIREFOX_UBUNTU), (ExtensionFirefox, vec![BridgeLinux]));
        assert_eq!(Download::bridges_for(CHROME_ANDROID), vec![], "no card bridge on a phone");
        assert_eq!(Download::bridges_for(SAFARI_IPAD), vec![]);
    }

    #[test]
    fn names_go_both_ways() {
        for download in Download::ALL {
            assert_eq!(Download::named(download.name()), Some(download));
            assert_eq!(download.meta_name(), format!("ehcert-install-{}", download.name()));
        }
        assert_eq!(Download::named("bridge-android"), None);
    }

    #[test]
    fn only_https_or_own_server_addresses_that_stay_inside_the_meta() {
        for good in [
            "https://chromewebstore.google.com/detail/ehcert/abcdefghijklmnopabcdefghijklmnop",
            "/downloads/ehcert-card-bridge-0.1.0-x64-user.msi",
        ] {
            assert!(Download::acceptable_address(good), "{good}");
        }
        for bad in [
            "http://example.be/bridge.msi",
            "https://",
            "//example.be/bridge.msi",
            "javascript:alert(1)",
            "https://example.be/a\"><script>",
            "https://example.be/a b",
            "downloads/bridge.msi",
            "",
        ] {
            assert!(!Download::acceptable_address(bad), "{bad}");
        }
    }
}
