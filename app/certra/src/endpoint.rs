//! Where each operation goes and how it is sent (app/certra/PROTOCOL.md §1 "Endpoints", §2.1, §2.3).

/// The eHealth environment.
#[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
pub enum Environment {
    /// services.ehealth.fgov.be
    Production,
    /// services-acpt.ehealth.fgov.be
    Acceptance,
    /// The mock CertRA, reached through the app's own origin (`/CertRa/v2` …).
    Local,
}

impl Environment {
    /// The environment's name in same-origin paths and configuration.
    pub fn name(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Acceptance => "acceptance",
            Self::Local => "local",
        }
    }

    /// The environment called `name` (as [`Self::name`] writes it), `None` for another name.
    pub fn named(name: &str) -> Option<Self> {
        [Self::Local, Self::Acceptance, Self::Production]
            .into_iter()
            .find(|environment| environment.name() == name)
    }

    /// The environments a server offers, the one to start on first, from its
    /// `<meta name="ehcert-environments" content="production acceptance">` (the operator's
    /// choice, `ehcert-serve`'s `upstream` and `default_environment`). A page served without
    /// the mark (a static copy) offers production alone: a care provider's certificate is a
    /// production certificate, and a test one would not work with their medical software.
    pub fn offered(stated: Option<&str>) -> Vec<Self> {
        let mut offered = Vec::new();
        for environment in stated.unwrap_or("").split_ascii_whitespace().filter_map(Self::named) {
            if !offered.contains(&environment) {
                offered.push(environment);
            }
        }
        if offered.is_empty() {
            offered.push(Self::Production);
        }
        offered
    }

    /// The same-origin path through which the app's own server forwards to this environment
    /// (`/ehealth/acceptance/CertRa/v2`).
    pub fn same_origin_path(self, service: Service) -> String {
        format!("/ehealth/{}{}", self.name(), service.path())
    }
}

/// The three services.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Service {
    /// CertRA v2.
    CertRa,
    /// EtkRA v2.
    EtkRa,
    /// ETK Depot v1.
    EtkDepot,
}

impl Service {
    /// The service's path, the same in every environment.
    pub fn path(self) -> &'static str {
        match self {
            Self::CertRa => "/CertRa/v2",
            Self::EtkRa => "/EtkRa/v2",
            Self::EtkDepot => "/EtkDepot/v1",
        }
    }

    /// The full URL in `environment`; `Local` gives a same-origin path.
    pub fn url(self, environment: Environment) -> String {
        let origin = match environment {
            Environment::Production => "https://services.ehealth.fgov.be",
            Environment::Acceptance => "https://services-acpt.ehealth.fgov.be",
            Environment::Local => "",
        };
        format!("{origin}{}", self.path())
    }
}

/// Which key signs an operation's request.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Signer {
    /// Not signed.
    Nobody,
    /// The eID's authentication key.
    EidAuthentication,
    /// The eID's signature (non-repudiation) key: needs the PIN right before.
    EidSignature,
    /// The eHealth authentication key (from the keystore).
    EhealthKey,
}

/// Every operation ehcert uses.
#[derive(Clone, Copy, Debug, Eq, Hash, PartialEq)]
#[allow(missing_docs)]
pub enum Operation {
    GetActorQualities,
    GetGenericOrganizationTypes,
    GetExistingApplicationIds,
    GenerateContract,
    GenerateCertificate,
    GetCertificate,
    GetCertificateInfoForCitizen,
    GetCertificateInfoForAuthenticationCertificate,
    GenerateRevocationContract,
    Revoke,
    SubmitCsrForForeigner,
    StartEtkRegistration,
    CompleteEtkRegistration,
    ActivateEtk,
    GetEtk,
}

impl Operation {
    /// The service the operation belongs to.
    pub fn service(self) -> Service {
        match self {
            Self::StartEtkRegistration | Self::CompleteEtkRegistration | Self::ActivateEtk => {
                Service::EtkRa
            }
            Self::GetEtk => Service::EtkDepot,
            _ => Service::CertRa,
        }
    }

    /// The key that signs the request (app/certra/PROTOCOL.md §2.3).
    pub fn signer(self) -> Signer {
        match self {
            Self::GetActorQualities | Self::GetCertificateInfoForCitizen => {
                Signer::EidAuthentication
            }
            Self::GenerateCertificate | Self::Revoke => Signer::EidSignature,
            Self::GetCertificateInfoForAuthenticationCertificate
            | Self::StartEtkRegistration
            | Self::CompleteEtkRegistration
            | Self::ActivateEtk => Signer::EhealthKey,
            _ => Signer::Nobody,
        }
    }

    /// The SOAPAction header the eHealth connector sends (app/certra/PROTOCOL.md §2.1; ETK Depot uses "").
    pub fn soap_action(self) -> &'static str {
        match self {
            Self::GenerateCertificate => "urn:be:fgov:ehealth:etee:certra:protocol:v2:generatecertificate",
            Self::GetCertificate => "urn:be:fgov:ehealth:etee:certra:protocol:v2:getcertificate",
            Self::GetActorQualities => "urn:be:fgov:ehealth:certra:protocol:v2:getActorQualities",
            Self::GetExistingApplicationIds => {
                "urn:be:fgov:ehealth:etee:certra:protocol:v2:getexistingapplicationids"
            }
            Self::GetCertificateInfoForAuthenticationCertificate => {
                "urn:be:fgov:ehealth:etee:certra:protocol:v2:getCertificateInfoForAuthenticationCertificate"
            }
            Self::GetCertificateInfoForCitizen => {
                "urn:be:fgov:ehealth:certra:protocol:v2:getCertificateInfoForCitizen"
            }
            Self::Revoke => "urn:be:fgov:ehealth:etee:certra:protocol:v2:revoke",
            Self::GenerateContract => "urn:be:fgov:ehealth:certra:protocol:v2:generateContract",
            Self::GenerateRevocationContract => {
                "urn:be:fgov:ehealth:certra:protocol:v2:generateRevocationContract"
            }
            Self::GetGenericOrganizationTypes => {
                "urn:be:fgov:ehealth:certra:protocol:v2:getGenericOrganizationTypes"
            }
            Self::SubmitCsrForForeigner => "urn:be:fgov:ehealth:certra:protocol:v2:submitCSRForForeigner",
            Self::StartEtkRegistration => "urn:be:fgov:ehealth:etee:etkra:protocol:v2:startETKRegistration",
            Self::CompleteEtkRegistration => {
                "urn:be:fgov:ehealth:etee:etkra:protocol:v2:completeETKregistration"
            }
            Self::ActivateEtk => "urn:be:fgov:ehealth:etee:etkra:protocol:v2:activateETK",
            Self::GetEtk => "",
        }
    }

    /// Local name of the request's root element.
    pub fn request_element(self) -> &'static str {
        match self {
            Self::GetActorQualities => "GetActorQualitiesRequest",
            Self::GetGenericOrganizationTypes => "GetGenericOrganizationTypesRequest",
            Self::GetExistingApplicationIds => "GetExistingApplicationIdsRequest",
            Self::GenerateContract => "GenerateContractRequest",
            Self::GenerateCertificate => "GenerateCertificateRequest",
            Self::GetCertificate => "GetCertificateRequest",
            Self::GetCertificateInfoForCitizen => "GetCertificateInfoForCitizenRequest",
            Self::GetCertificateInfoForAuthenticationCertificate => {
                "GetCertificateInfoForAuthenticationCertificateRequest"
            }
            Self::GenerateRevocationContract => "GenerateRevocationContractRequest",
            Self::Revoke => "RevokeRequest",
            Self::SubmitCsrForForeigner => "SubmitCSRForForeignerRequest",
            Self::StartEtkRegistration => "StartETKRegistrationRequest",
            Self::CompleteEtkRegistration => "CompleteETKRegistrationRequest",
            Self::ActivateEtk => "ActivateETKRequest",
            Self::GetEtk => "GetEtkRequest",
        }
    }

    /// Local name of the response's root element.
    pub fn response_element(self) -> &'static str {
        match self {
            Self::GetActorQualities => "GetActorQualitiesResponse",
            Self::GetGenericOrganizationTypes => "GetGenericOrganizationTypesResponse",
            Self::GetExistingApplicationIds => "GetExistingApplicationIdsResponse",
            Self::GenerateContract => "GenerateContractResponse",
            Self::GenerateCertificate => "GenerateCertificateResponse",
            Self::GetCertificate => "GetCertificateResponse",
            Self::GetCertificateInfoForCitizen => "GetCertificateInfoForCitizenResponse",
            Self::GetCertificateInfoForAuthenticationCertificate => {
                "GetCertificateInfoForAuthenticationCertificateResponse"
            }
            Self::GenerateRevocationContract => "GenerateRevocationContractResponse",
            Self::Revoke => "RevokeResponse",
            Self::SubmitCsrForForeigner => "SubmitCSRForForeignerResponse",
            Self::StartEtkRegistration => "StartETKRegistrationResponse",
            Self::CompleteEtkRegistration => "CompleteETKRegistrationResponse",
            Self::ActivateEtk => "ActivateETKResponse",
            Self::GetEtk => "GetEtkResponse",
        }
    }

    /// Namespace of the request and response root elements.
    pub fn namespace(self) -> crate::xml::Namespace {
        match self.service() {
            Service::CertRa => crate::ns::CERTRA_PROTOCOL,
            Service::EtkRa => crate::ns::ETKRA_PROTOCOL,
            Service::EtkDepot => crate::ns::ETKDEPOT_PROTOCOL,
        }
    }

    /// All operations, for tests and tables.
    pub const ALL: [Self; 15] = [
        Self::GetActorQualities,
        Self::GetGenericOrganizationTypes,
        Self::GetExistingApplicationIds,
        Self::GenerateContract,
        Self::GenerateCertificate,
        Self::GetCertificate,
        Self::GetCertificateInfoForCitizen,
        Self::GetCertificateInfoForAuthenticationCertificate,
        Self::GenerateRevocationContract,
        Self::Revoke,
        Self::SubmitCsrForForeigner,
        Self::StartEtkRegistration,
        Self::CompleteEtkRegistration,
        Self::ActivateEtk,
        Self::GetEtk,
    ];
}

#[cfg(test)]
mod tests {
    use super::Environment;

    #[test]
    fn a_page_offers_what_its_server_states_default_first_else_production_alone() {
        use Environment::{Acceptance, Local, Production};
        assert_eq!(Environment::offered(Some("acceptance production")), [Acceptance, Production]);
        assert_eq!(Environment::offered(Some(" local ")), [Local]);
        assert_eq!(Environment::offered(Some("staging local local")), [Local]);
        assert_eq!(Environment::offered(Some("")), [Production]);
        assert_eq!(Environment::offered(Some("staging")), [Production]);
        assert_eq!(Environment::offered(None), [Production]);
    }
}
