//! Where this person gets the extension or the card bridge: the address the server states for
//! their browser and system (`ehcert_shared::install`, `ehcert-serve`'s `install` setting), if
//! the operator gave one.

use ehcert_shared::install::Download;

/// The extension's store page for this browser.
pub fn extension_address() -> Option<String> {
    stated(Download::extension_for(&user_agent()))
}

/// The card bridge's packages for this system whose addresses the server gives, each with its
/// kind; none on phones and tablets.
pub fn bridge_addresses() -> Vec<(Download, String)> {
    Download::bridges_for(&user_agent())
        .into_iter()
        .filter_map(|download| Some((download, stated(download)?)))
        .collect()
}

fn user_agent() -> String {
    web_sys::window().and_then(|window| window.navigator().user_agent().ok()).unwrap_or_default()
}

/// The address in the page's `<meta name="ehcert-install-NAME">`.
fn stated(download: Download) -> Option<String> {
    let selector = format!("meta[name='{}']", download.meta_name());
    let meta = web_sys::window()?.document()?.query_selector(&selector).ok()??;
    meta.get_attribute("content").filter(|address| Download::acceptable_address(address))
}
