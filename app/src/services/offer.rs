//! Which eHealth environments this page offers: the operator's decision, stated by the server
//! in `<meta name="ehcert-environments">` (`ehcert-serve`'s `upstream` and
//! `default_environment`) and read by `ehcert_certra::endpoint::Environment::offered`.

use ehcert_certra::endpoint::Environment;

/// The offered environments, the one to start on first.
pub fn environments() -> Vec<Environment> {
    let stated = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector("meta[name='ehcert-environments']").ok()?)
        .and_then(|meta| meta.get_attribute("content"));
    Environment::offered(stated.as_deref())
}

/// The name of the environment a flow starts on.
pub fn default_name() -> String {
    environments().first().copied().unwrap_or(Environment::Production).name().to_owned()
}
