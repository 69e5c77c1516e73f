//! The app's Content Security Policy.
//!
//! Trunk's loader is one small inline `<script type="module">` in `index.html`. Rather than allow
//! inline scripts, the policy lists the SHA-256 of each inline script the built page actually
//! contains (CSP Level 2 hash sources), computed when the page is loaded: an injected script has
//! another hash and does not run.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use sha2::{Digest, Sha256};

/// The policy for a page whose HTML is `index_html`. `connect_src` lists the origins besides
/// our own that the page may call (CertRA endpoints reached through CORS).
pub fn policy_for(index_html: &str, connect_src: &[String]) -> String {
    let hashes: String = inline_scripts(index_html)
        .map(|body| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(body.as_bytes()))))
        .collect();
    let extra_connect: String = connect_src.iter().map(|origin| format!(" {origin}")).collect();
    format!(
        "default-src 'none'; \
         script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self'; \
         img-src 'self' data:; \
         connect-src 'self'{extra_connect}; \
         frame-src 'self'; \
         base-uri 'none'; \
         form-action 'none'; \
         frame-ancestors 'none'; \
         object-src 'none'"
    )
}

/// Bodies of the inline `<script>` elements (those without `src`), exactly as the browser hashes
/// them: the text between `>` and `</script>`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || loop {
        let start = rest.find("<script")?;
        let after_tag = &rest[start..];
        let open_end = after_tag.find('>')?;
        let attributes = &after_tag[..open_end];
        let body_and_rest = &after_tag[open_end + 1..];
        let close = body_and_rest.find("</script>")?;
        let body = &body_and_rest[..close];
        rest = &body_and_rest[close + "</script>".len()..];
        if !attributes.contains(" src=") {
            return Some(body);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_hash_of_each_inline_script_and_none_for_external_ones() {
        let html = r#"<html><head><script src="/app.js"></script>
<script type="module">import init from '/app.js';init();</script></head></html>"#;
        let policy = policy_for(html, &[]);
        // printf "import init from '/app.js';init();" | openssl dgst -sha256 -binary | base64
        assert!(
            policy.contains("'sha256-T+ylCkYq0767Isr1Nq0O+gUk6Htau7LxkEACEvlTOAE='"),
            "{policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 1);
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("default-src 'none'"));
    }

    #[test]
    fn adds_configured_connect_origins() {
        let policy = policy_for("", &["https://services-acpt.ehealth.fgov.be".to_owned()]);
        assert!(policy.contains("connect-src 'self' https://services-acpt.ehealth.fgov.be;"));
    }
}
