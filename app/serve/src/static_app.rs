//! Serves the built app: the files of `dist/`, `index.html` for every other path (the app routes
//! on the client), and the security headers on every answer.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    http::{header, HeaderValue},
    response::Html,
    routing::get,
    Router,
};
use ehcert_certra::endpoint::Environment;
use ehcert_shared::{compat::Release, install::Download};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

use crate::{
    config::{Config, Dialect, EXTENSION_UPDATES_PATH},
    csp,
    error::ServeError,
};

/// Tells the page each configured dialect: `<meta name="ehcert-dialect-ENV" content="METHOD
/// ECHO LISTING">`, read at start (no script: the Content Security Policy is unchanged).
fn with_dialect_meta(index: &str, dialects: &[Dialect]) -> String {
    let metas: String = dialects
        .iter()
        .map(|d| {
            format!(
                "<meta name=\"ehcert-dialect-{}\" content=\"{} {} {}\">",
                d.environment.name(),
                d.ec_signature_method,
                d.dn_echo,
                d.in_progress
            )
        })
        .collect();
    into_head(index, &metas)
}

/// Tells the page where people get the extension and the card bridge: one `<meta
/// name="ehcert-install-NAME" content="ADDRESS">` per configured download
/// (`ehcert_shared::install`); the home page links to the one for the person's browser and
/// system. The addresses were checked to hold nothing that ends the attribute.
fn with_install_meta(index: &str, install: &BTreeMap<Download, String>) -> String {
    let metas: String = install
        .iter()
        .map(|(download, address)| {
            format!("<meta name=\"{}\" content=\"{address}\">", download.meta_name())
        })
        .collect();
    into_head(index, &metas)
}

/// Tells the page who runs the site and whom to contact: `<meta name="ehcert-operator">` and
/// `<meta name="ehcert-support">`, the operator's words escaped for an attribute (HTML's
/// attribute value, double-quoted: `&` and `"`, and `<` `>` for good measure).
fn with_operator_meta(index: &str, operator: Option<&str>, support: Option<&str>) -> String {
    let escaped = |text: &str| {
        text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
    };
    let metas: String = [("ehcert-operator", operator), ("ehcert-support", support)]
        .into_iter()
        .filter_map(|(name, text)| {
            text.map(|text| format!("<meta name=\"{name}\" content=\"{}\">", escaped(text)))
        })
        .collect();
    into_head(index, &metas)
}

/// Tells the page the oldest card bridge and extension this site works with, as the operator
/// states them: `<meta name="ehcert-minimum-bridge" content="0.2.0">`; an older part is shown on
/// the home page as to be updated (ARCHITECTURE.md, "Releases that live together").
fn with_minimum_meta(index: &str, bridge: Option<Release>, extension: Option<Release>) -> String {
    let metas: String =
        [("ehcert-minimum-bridge", bridge), ("ehcert-minimum-extension", extension)]
            .into_iter()
            .filter_map(|(name, version)| {
                version.map(|version| format!("<meta name=\"{name}\" content=\"{version}\">"))
            })
            .collect();
    into_head(index, &metas)
}

/// `index` with `marks` at the end of its head: before `</head>`, or, in a minified page that
/// leaves that optional tag out (HTML's "optional tags"), before the `<title>`, which every page
/// of ours has in its head.
fn into_head(index: &str, marks: &str) -> String {
    match index.find("</head>").or_else(|| index.find("<title>")) {
        Some(at) => format!("{}{marks}{}", &index[..at], &index[at..]),
        None => index.to_owned(),
    }
}

/// Tells the page it runs on a shared kiosk: a `<meta>` the app reads at start (no script, so
/// the Content Security Policy is unchanged).
fn with_kiosk_meta(index: &str, idle_seconds: Option<u32>) -> String {
    match idle_seconds {
        Some(seconds) => into_head(
            index,
            &format!("<meta name=\"ehcert-kiosk-idle-seconds\" content=\"{seconds}\">"),
        ),
        None => index.to_owned(),
    }
}

/// The page as served (`dist/index.html` with the configuration's marks) and its Content
/// Security Policy.
pub fn rendered_index(config: &Config) -> Result<(String, String), ServeError> {
    let index_path = config.dist.join("index.html");
    let index = std::fs::read_to_string(&index_path)
        .map_err(|source| ServeError::NotBuilt { path: index_path, source })?;
    let policy = csp::policy_for(&index, &config.connect_src);
    let index = with_environments_meta(
        &with_dialect_meta(&with_kiosk_meta(&index, config.kiosk_idle_seconds), &config.dialects),
        &config.offered_environments(),
    );
    let index = with_install_meta(&index, &config.install);
    let index = with_operator_meta(&index, config.operator.as_deref(), config.support.as_deref());
    let index = with_minimum_meta(&index, config.minimum_bridge, config.minimum_extension);
    Ok((index, policy))
}

/// A router serving the app in `config.dist`, with the page's `<meta>` settings from the
/// configuration. The security headers are added around it (`headers::secure`).
pub fn router(config: &Config) -> Result<(Router, String), ServeError> {
    let (index, policy) = rendered_index(config)?;
    let index = Arc::new(index);
    let page = get(move || {
        let index = Arc::clone(&index);
        async move { Html(index.as_str().to_owned()) }
    });
    let router = Router::new()
        // The page itself always comes from here (with the configuration's marks), never as
        // the raw file.
        .route("/", page.clone())
        .route("/index.html", page.clone())
        // The build writes a Brotli and a gzip copy beside each file of the download
        // (app/precompress.mjs): the one the browser accepts is sent as it is, with its
        // Content-Encoding; a browser that accepts neither gets the file itself. What is sent
        // depends on Accept-Encoding, so caches on the way must key on it (RFC 9110 §12.5.5).
        .fallback_service(
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::appending(
                    header::VARY,
                    HeaderValue::from_static("accept-encoding"),
                ))
                .service(
                    ServeDir::new(&config.dist)
                        .precompressed_br()
                        .precompressed_gzip()
                        .fallback(page),
                ),
        )
        // File names carry no content hash (Trunk.toml), so every load revalidates.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    Ok((with_extension_updates(router, config)?, policy))
}

/// The self-hosted extension packages and their update manifests, when configured: the files of
/// the folder under `/extension-updates/`, nothing else (no page in place of a missing file, so
/// a browser's update check gets a 404 it understands). A CRX goes out as
/// `application/x-chrome-extension` (mime_guess's type for `.crx`), the type Chrome's
/// documentation on self-hosting asks for.
fn with_extension_updates(router: Router, config: &Config) -> Result<Router, ServeError> {
    let Some(folder) = &config.extension_updates else { return Ok(router) };
    if !folder.is_dir() {
        return Err(ServeError::Setting {
            setting: "extension_updates".into(),
            problem: format!("{} is not a folder", folder.display()),
        });
    }
    Ok(router.nest_service(EXTENSION_UPDATES_PATH, ServeDir::new(folder)))
}

/// Tells the page which eHealth environments this server offers, the one to start on first:
/// `<meta name="ehcert-environments" content="production acceptance">`. The operator decides
/// (`upstream`, `default_environment`); a page with no mark offers production alone.
fn with_environments_meta(index: &str, offered: &[Environment]) -> String {
    let names: Vec<&str> = offered.iter().map(|environment| environment.name()).collect();
    into_head(
        index,
        &format!("<meta name=\"ehcert-environments\" content=\"{}\">", names.join(" ")),
    )
}

#[cfg(test)]
mod tests {
    use ehcert_certra::endpoint::Environment;

    use ehcert_shared::install::Download;

    use super::{
        into_head, with_dialect_meta, with_environments_meta, with_install_meta, with_kiosk_meta,
        with_minimum_meta, with_operator_meta, Dialect,
    };

    #[test]
    fn the_operators_minimum_versions_reach_the_page_and_none_without() {
        use ehcert_shared::compat::Release;
        let page = "<head></head>";
        assert_eq!(with_minimum_meta(page, None, None), page);
        assert_eq!(
            with_minimum_meta(page, Some(Release(0, 2, 0)), Some(Release(1, 10, 3))),
            "<head><meta name=\"ehcert-minimum-bridge\" content=\"0.2.0\"><meta name=\"ehcert-minimum-extension\" content=\"1.10.3\"></head>"
        );
    }

    #[test]
    fn the_operator_and_the_support_contact_reach_the_page_escaped() {
        let page = "<html><head><title>x</title></head></html>";
        assert_eq!(with_operator_meta(page, None, None), page);
        let marked = with_operator_meta(
            page,
            Some("AZ \"Voorbeeld\" & co"),
            Some("<helpdesk@az-voorbeeld.be>"),
        );
        assert!(marked.contains(
            "<meta name=\"ehcert-operator\" content=\"AZ &quot;Voorbeeld&quot; &amp; co\">"
        ));
        assert!(marked.contains(
            "<meta name=\"ehcert-support\" content=\"&lt;helpdesk@az-voorbeeld.be&gt;\">"
        ));
    }

    #[test]
    fn each_configured_download_goes_into_the_head_and_none_without() {
        let install = [
            (Download::BridgeWindows, "/downloads/ehcert-card-bridge-0.1.0-x64-user.msi".into()),
            (Download::ExtensionFirefox, "https://addons.mozilla.org/firefox/addon/ehcert/".into()),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            with_install_meta("<head></head>", &install),
            "<head><meta name=\"ehcert-install-extension-firefox\" content=\"https://addons.mozilla.org/firefox/addon/ehcert/\"><meta name=\"ehcert-install-bridge-windows\" content=\"/downloads/ehcert-card-bridge-0.1.0-x64-user.msi\"></head>"
        );
        assert_eq!(with_install_meta("<head></head>", &Default::default()), "<head></head>");
    }

    #[test]
    fn marks_go_at_the_end_of_the_head_also_in_a_minified_page() {
        assert_eq!(
            into_head("<head><title>t</title></head><body>", "<m>"),
            "<head><title>t</title><m></head><body>"
        );
        // trunk's minifier leaves out the optional <head> and </head> tags.
        assert_eq!(
            into_head(
                "<!doctype html><html lang=en><meta charset=utf-8><title>t</title><script>",
                "<m>"
            ),
            "<!doctype html><html lang=en><meta charset=utf-8><m><title>t</title><script>"
        );
    }

    #[test]
    fn an_operators_dialect_goes_into_the_head_as_a_meta() {
        let dialect = Dialect {
            environment: Environment::Acceptance,
            ec_signature_method: "ecdsa-sha384".into(),
            dn_echo: "verbatim".into(),
            in_progress: "in-progress-listed".into(),
        };
        assert_eq!(
            with_dialect_meta("<head></head>", &[dialect]),
            "<head><meta name=\"ehcert-dialect-acceptance\" content=\"ecdsa-sha384 verbatim in-progress-listed\"></head>"
        );
    }

    #[test]
    fn the_offered_environments_go_into_the_head_default_first() {
        assert_eq!(
            with_environments_meta(
                "<head></head>",
                &[Environment::Production, Environment::Acceptance]
            ),
            "<head><meta name=\"ehcert-environments\" content=\"production acceptance\"></head>"
        );
    }

    #[test]
    fn the_kiosk_mark_goes_into_the_head_only_when_configured() {
        let index = "<html><head><title>ehcert</title></head><body></body></html>";
        assert_eq!(with_kiosk_meta(index, None), index);
        assert_eq!(
            with_kiosk_meta(index, Some(120)),
            "<html><head><title>ehcert</title><meta name=\"ehcert-kiosk-idle-seconds\" content=\"120\"></head><body></body></html>"
        );
    }
}
