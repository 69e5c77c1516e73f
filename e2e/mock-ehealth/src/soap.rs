//! SOAP 1.1 in and out (app/certra/PROTOCOL.md §2.1–2.2): reading a request's body element, and writing
//! responses with `Id`, `InResponseTo`, `IssueInstant` and `core:Status` as the schemas say.

use roxmltree::{Document, Node};

pub(crate) const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub(crate) const CERTRA: &str = "urn:be:fgov:ehealth:certra:protocol:v2";
pub(crate) const CERTRA_CORE: &str = "urn:be:fgov:ehealth:certra:core:v2";
pub(crate) const COMMONS_CORE: &str = "urn:be:fgov:ehealth:commons:core:v2";
pub(crate) const ETEE_CORE: &str = "urn:be:fgov:ehealth:etee:commons:core:v2";
pub(crate) const ETKRA: &str = "urn:be:fgov:ehealth:etkra:protocol:v2";
pub(crate) const ETK_DEPOT: &str = "urn:be:fgov:ehealth:etkdepot:1_0:protocol";
pub(crate) const COMMONS_CORE_V1: &str = "urn:be:fgov:ehealth:commons:1_0:core";
pub(crate) const XMLDSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

pub(crate) const SUCCESS: &str = "urn:be:fgov:ehealth:2.0:status:Success";
/// The client sent something the service refuses.
pub(crate) const REQUESTER: &str = "urn:be:fgov:ehealth:2.0:status:Requester";
/// The service cannot answer (yet).
pub(crate) const RESPONDER: &str = "urn:be:fgov:ehealth:2.0:status:Responder";

/// The request's body element, or why there is none.
pub(crate) fn body_element<'a, 'input>(
    document: &'a Document<'input>,
) -> Result<Node<'a, 'input>, String> {
    let envelope = document.root_element();
    if !envelope.has_tag_name((SOAP_ENV, "Envelope")) {
        return Err("not a SOAP 1.1 envelope".into());
    }
    let body = child(envelope, SOAP_ENV, "Body").ok_or("the envelope has no Body")?;
    let mut elements = body.children().filter(Node::is_element);
    match (elements.next(), elements.next()) {
        (Some(element), None) => Ok(element),
        _ => Err("the Body must hold exactly one element".into()),
    }
}

pub(crate) fn child<'a, 'input>(
    node: Node<'a, 'input>,
    namespace: &str,
    name: &str,
) -> Option<Node<'a, 'input>> {
    node.children().find(|c| c.has_tag_name((namespace, name)))
}

pub(crate) fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    namespace: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children().filter(move |c| c.has_tag_name((namespace, name)))
}

/// The text of a child element, trimmed; `None` if the child is missing.
pub(crate) fn text_of(node: Node<'_, '_>, namespace: &str, name: &str) -> Option<String> {
    child(node, namespace, name).map(|c| c.text().unwrap_or_default().trim().to_owned())
}

/// XML text and attribute escaping.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}

/// Which response element answers which request, and in which namespace.
pub(crate) struct Answer {
    /// `cp:GetCertificateResponse`, …
    pub(crate) element: String,
    /// The namespace declarations the body uses.
    pub(crate) namespaces: &'static str,
    /// Plain ResponseType (no Status): GetExistingApplicationIds.
    pub(crate) without_status: bool,
}

const CERTRA_NAMESPACES: &str = r#"xmlns:cp="urn:be:fgov:ehealth:certra:protocol:v2" xmlns:cc="urn:be:fgov:ehealth:certra:core:v2" xmlns:core="urn:be:fgov:ehealth:commons:core:v2""#;
const ETKRA_NAMESPACES: &str = r#"xmlns:ep="urn:be:fgov:ehealth:etkra:protocol:v2" xmlns:core="urn:be:fgov:ehealth:commons:core:v2""#;

impl Answer {
    /// The response to a request element `FooRequest` in `namespace`.
    pub(crate) fn to(namespace: &str, request: &str) -> Option<Self> {
        let operation = request.strip_suffix("Request")?;
        let (prefix, namespaces) = match namespace {
            CERTRA => ("cp", CERTRA_NAMESPACES),
            ETKRA => ("ep", ETKRA_NAMESPACES),
            _ => return None,
        };
        Some(Self {
            element: format!("{prefix}:{operation}Response"),
            namespaces,
            without_status: operation == "GetExistingApplicationIds",
        })
    }

    /// A successful response with `content` after the Status.
    pub(crate) fn success(&self, header: &Header, content: &str) -> String {
        let status = if self.without_status {
            String::new()
        } else {
            format!(r#"<core:Status><core:StatusCode Value="{SUCCESS}"/></core:Status>"#)
        };
        self.wrap(header, &format!("{status}{content}"))
    }

    /// A refusal: status code, message, and eHealth error codes in `EteeStatusDetail`.
    pub(crate) fn failure(&self, header: &Header, refusal: &Refusal) -> String {
        let parameters: String = refusal
            .parameters
            .iter()
            .map(|(name, value)| {
                format!(
                    "<Parameters><Name>{}</Name><Value>{}</Value></Parameters>",
                    escape(name),
                    escape(value)
                )
            })
            .collect();
        self.wrap(
            header,
            &format!(
                r#"<core:Status><core:StatusCode Value="{}"/><core:StatusMessage>{}</core:StatusMessage><core:StatusDetail><etee:EteeStatusDetail xmlns:etee="{ETEE_CORE}"><Errors><Code>{}</Code><Message>{}</Message>{parameters}</Errors></etee:EteeStatusDetail></core:StatusDetail></core:Status>"#,
                refusal.status,
                escape(&refusal.message),
                escape(refusal.code),
                escape(&refusal.message),
            ),
        )
    }

    fn wrap(&self, header: &Header, content: &str) -> String {
        let in_response_to = header
            .request_id
            .as_deref()
            .map(|id| format!(r#" InResponseTo="{}""#, escape(id)))
            .unwrap_or_default();
        format!(
            r#"<{element} {namespaces} Id="{id}"{in_response_to} IssueInstant="{instant}">{content}</{element}>"#,
            element = self.element,
            namespaces = self.namespaces,
            id = header.response_id,
            instant = header.issue_instant,
        )
    }
}

/// What every response carries.
pub(crate) struct Header {
    pub(crate) response_id: String,
    pub(crate) request_id: Option<String>,
    pub(crate) issue_instant: String,
}

/// A refusal with its eHealth-style error code (app/certra/PROTOCOL.md §2.2).
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub(crate) status: &'static str,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) parameters: Vec<(String, String)>,
}

impl Refusal {
    pub(crate) fn requester(code: &'static str, message: impl Into<String>) -> Self {
        Self { status: REQUESTER, code, message: message.into(), parameters: Vec::new() }
    }

    pub(crate) fn responder(code: &'static str, message: impl Into<String>) -> Self {
        Self { status: RESPONDER, code, message: message.into(), parameters: Vec::new() }
    }

    pub(crate) fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.parameters.push((name.to_owned(), value.into()));
        self
    }
}

/// The SOAP envelope around a body element.
pub(crate) fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"#
    )
}

/// A SOAP 1.1 fault, for requests that are not SOAP or name no known operation.
pub(crate) fn fault(code: &str, message: &str) -> String {
    envelope(&format!(
        "<soapenv:Fault><faultcode>soapenv:{code}</faultcode><faultstring>{}</faultstring></soapenv:Fault>",
        escape(message)
    ))
}
