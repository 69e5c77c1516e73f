//! What the server states to the page in its `<meta>` marks: which eHealth environments it
//! offers (`ehcert-environments`, from `ehcert-serve`'s `upstream` and `default_environment`,
//! read by `ehcert_certra::endpoint::Environment::offered`), who runs the site and whom to
//! contact (`ehcert-operator`, `ehcert-support`).

use ehcert_certra::endpoint::Environment;

/// The offered environments, the one to start on first.
pub fn environments() -> Vec<Environment> {
    Environment::offered(stated("ehcert-environments").as_deref())
}

/// The text of the server's `<meta name="NAME">`, when it states one.
pub fn stated(name: &str) -> Option<String> {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector(&format!("meta[name='{name}']")).ok()?)
        .and_then(|meta| meta.get_attribute("content"))
        .filter(|text| !text.trim().is_empty())
}

/// The name of the environment a flow starts on.
pub fn default_name() -> String {
    environments().first().copied().unwrap_or(Environment::Production).name().to_owned()
}
