//! The namespaces of the messages (app/certra/PROTOCOL.md §2.2).

use crate::xml::Namespace;

/// SOAP 1.1 envelope.
pub const SOAP: Namespace =
    Namespace { prefix: "soapenv", uri: "http://schemas.xmlsoap.org/soap/envelope/" };
/// CertRA v2 protocol.
pub const CERTRA_PROTOCOL: Namespace =
    Namespace { prefix: "cp", uri: "urn:be:fgov:ehealth:certra:protocol:v2" };
/// CertRA v2 core types.
pub const CERTRA_CORE: Namespace =
    Namespace { prefix: "cc", uri: "urn:be:fgov:ehealth:certra:core:v2" };
/// EtkRA v2 protocol.
pub const ETKRA_PROTOCOL: Namespace =
    Namespace { prefix: "ep", uri: "urn:be:fgov:ehealth:etkra:protocol:v2" };
/// ETK Depot v1 protocol.
pub const ETKDEPOT_PROTOCOL: Namespace =
    Namespace { prefix: "ed", uri: "urn:be:fgov:ehealth:etkdepot:1_0:protocol" };
/// eHealth commons core v2 (`Id`, `Name`, `Status`…).
pub const COMMONS_CORE: Namespace =
    Namespace { prefix: "core", uri: "urn:be:fgov:ehealth:commons:core:v2" };
/// eHealth commons core v1 (the ETK Depot's `Status`).
pub const COMMONS_CORE_V1: Namespace =
    Namespace { prefix: "core1", uri: "urn:be:fgov:ehealth:commons:1_0:core" };
/// etee commons core v2 (`EteeStatusDetail`; its children are unqualified).
pub const ETEE_CORE: Namespace =
    Namespace { prefix: "etee", uri: "urn:be:fgov:ehealth:etee:commons:core:v2" };
/// XML Signature.
pub const DS: Namespace = Namespace { prefix: "ds", uri: "http://www.w3.org/2000/09/xmldsig#" };
