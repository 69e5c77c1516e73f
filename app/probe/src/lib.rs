//! The acceptance probe: asks eHealth, with a real eID, the questions no public source answers
//! (`app/certra/FIDELITY.md`, "settled by"), and writes down what it answered. Every check is
//! non-destructive: read operations, contracts that are never signed, and GetCertificate for a
//! key nobody owns. It reuses the app's own request builders and flows (`ehcert-certra`,
//! `ehcert-flows`) and the card bridge as the browser does, over native-messaging frames.

#![forbid(unsafe_code)]

use std::{
    cell::Cell,
    io::Write as _,
    path::PathBuf,
    process::{Command as Process, Stdio},
    time::{SystemTime, UNIX_EPOCH},
};

use base64::{engine::general_purpose::STANDARD, Engine as _};
use ehcert_certra::{
    dialect::{Dialect, EcSignatureMethod},
    endpoint::Operation,
    request::{self, Actor, CertificateIdentifier, ContactData, Identifier, RequestMeta},
    response, CertraError,
};
use ehcert_flows::{
    eid::{EidHolder, EidSignature},
    new_certificate, FlowError, Services,
};
use ehcert_shared::bridge::{
    Command, EhealthRequest, FromBridge, KeyRole, Outcome, PinEntry, ReadCard, Request, Sign,
    SignedContent, CHROMIUM_EXTENSION_ID,
};

use rand::RngCore as _;
use serde::Serialize;

/// What to probe, and with what.
#[derive(Clone, Debug)]
pub struct Options {
    /// eHealth's origin (acceptance by default).
    pub base: String,
    /// The card bridge's executable.
    pub bridge: PathBuf,
    /// The eID PIN, for the authentication key.
    pub pin: String,
    /// An organisation the card holder manages (`NIHII-HOSPITAL`, `71000436`), for the
    /// organisation contract's DN.
    pub organisation: Option<(String, String)>,
    /// Its name.
    pub organisation_name: String,
    /// The application id of the organisation contract (never requested: the contract is only
    /// read).
    pub application_id: String,
    /// Contact data sent with the contracts.
    pub email: String,
    /// Contact data sent with the contracts.
    pub phone: String,
    /// Where the JSON report goes.
    pub report: Option<PathBuf>,
    /// The same service through the production transport, as the page reaches it: the app
    /// server's path for the environment (`https://ehcert.example/ehealth/acceptance`), served
    /// by `ehcert-serve` or the nginx recipe. Asked after eHealth directly, read-only too.
    pub via: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            base: "https://services-acpt.ehealth.fgov.be".into(),
            bridge: PathBuf::new(),
            pin: String::new(),
            organisation: None,
            organisation_name: String::new(),
            application_id: "EHCERTPROBE".into(),
            email: "probe@example.be".into(),
            phone: "+32 2 000 00 00".into(),
            report: None,
            via: Vec::new(),
        }
    }
}

/// Why the probe could not run (as opposed to what eHealth answered, which goes in the report).
#[derive(Debug)]
pub enum ProbeError {
    /// The card bridge could not be started or answered something else than expected.
    Bridge(String),
    /// eHealth could not be reached.
    Http(String),
    /// A flow step failed before eHealth could answer (the card, the contact data).
    Flow(FlowError),
}

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bridge(detail) => write!(f, "the card bridge: {detail}"),
            Self::Http(detail) => write!(f, "eHealth could not be reached: {detail}"),
            Self::Flow(err) => write!(f, "{err}"),
        }
    }
}

impl From<FlowError> for ProbeError {
    fn from(err: FlowError) -> Self {
        Self::Flow(err)
    }
}

/// One question and eHealth's answer.
#[derive(Clone, Debug, Eq, PartialEq, Serialize)]
pub struct Check {
    /// A stable name (`ec-signature-method:ecdsa-sha256`, `contract-dn:person`, …).
    pub name: String,
    /// `accepted`, `refused CODE…`, or the text eHealth returned.
    pub answer: String,
    /// What the answer settles, and how to act on it.
    pub decides: String,
}

/// Everything the probe found.
#[derive(Clone, Debug, Default, Eq, PartialEq, Serialize)]
pub struct Report {
    /// Where it asked.
    pub base: String,
    /// The card's applet and key type.
    pub card: String,
    /// The answers, in the order asked.
    pub checks: Vec<Check>,
}

impl Report {
    /// The report as lines for a terminal.
    pub fn to_text(&self) -> String {
        let mut text = format!("ehcert acceptance probe: {} with {}\n", self.base, self.card);
        for check in &self.checks {
            text.push_str(&format!(
                "- {}: {}\n    decides: {}\n",
                check.name, check.answer, check.decides
            ));
        }
        text
    }

    /// The answer of the check called `name`.
    pub fn answer(&self, name: &str) -> Option<&str> {
        self.checks.iter().find(|check| check.name == name).map(|check| check.answer.as_str())
    }
}

struct Probe<'a> {
    options: &'a Options,
    /// Where the SOAP requests go: eHealth's origin, or the app server's path for it.
    base: String,
    client: reqwest::Client,
    dialect: Cell<Dialect>,
}

impl Services for Probe<'_> {
    type Error = ProbeError;

    async fn certra(&self, operation: Operation, envelope: String) -> Result<Vec<u8>, ProbeError> {
        let response = self
            .client
            .post(format!("{}{}", self.base, operation.service().path()))
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", format!("\"{}\"", operation.soap_action()))
            .body(envelope)
            .send()
            .await
            .map_err(|err| ProbeError::Http(err.to_string()))?;
        Ok(response.bytes().await.map_err(|err| ProbeError::Http(err.to_string()))?.to_vec())
    }

    async fn eid_sign(&self, request: EidSignature) -> Result<Vec<u8>, ProbeError> {
        // What the extension sends after the PIN window: the bridge checks the bytes again.
        let command = Command::Sign(Sign {
            reader: Some(request.reader),
            key: request.key,
            content: SignedContent::EhealthRequest(EhealthRequest {
                signed_info: request.signed_info,
                payload: request.payload,
            }),
            pin: PinEntry::Digits(self.options.pin.clone()),
        });
        match ask_bridge(&self.options.bridge, command)? {
            Outcome::Signature(value) => {
                STANDARD.decode(value).map_err(|err| ProbeError::Bridge(err.to_string()))
            }
            other => Err(ProbeError::Bridge(format!("no signature: {other:?}"))),
        }
    }

    fn meta(&self) -> RequestMeta {
        let mut random = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut random);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        RequestMeta::new(random, now)
    }

    fn dialect(&self) -> Dialect {
        self.dialect.get()
    }
}

/// One command to a fresh bridge process, as the extension sends it; its reply's outcome.
fn ask_bridge(bridge: &PathBuf, command: Command) -> Result<Outcome, ProbeError> {
    let failed =
        |what: &str, err: &dyn std::fmt::Display| ProbeError::Bridge(format!("{what}: {err}"));
    let mut child = Process::new(bridge)
        .arg(format!("chrome-extension://{CHROMIUM_EXTENSION_ID}/"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| failed(&format!("cannot start {}", bridge.display()), &err))?;
    let body = serde_json::to_vec(&Request { id: 1, command })
        .map_err(|err| failed("cannot encode the request", &err))?;
    let length = u32::try_from(body.len()).map_err(|err| failed("request too large", &err))?;
    {
        let mut stdin = child.stdin.take().ok_or_else(|| ProbeError::Bridge("no stdin".into()))?;
        stdin.write_all(&length.to_ne_bytes()).map_err(|err| failed("write", &err))?;
        stdin.write_all(&body).map_err(|err| failed("write", &err))?;
    } // EOF: the port is closed once the answer is written.
    let output = child.wait_with_output().map_err(|err| failed("wait", &err))?;
    let mut rest = output.stdout.as_slice();
    while rest.len() >= 4 {
        let length = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let frame =
            rest.get(4..4 + length).ok_or_else(|| ProbeError::Bridge("a cut frame".into()))?;
        if let Ok(FromBridge::Reply(reply)) = serde_json::from_slice(frame) {
            return Ok(reply.outcome);
        }
        rest = &rest[4 + length..];
    }
    Err(ProbeError::Bridge("no reply".into()))
}

/// eHealth's answer in short: its error codes, or the fault.
fn refusal(err: &ProbeError) -> String {
    match err {
        ProbeError::Flow(FlowError::Certra(CertraError::Refused { status, errors })) => {
            let codes: Vec<&str> = errors.iter().map(|error| error.code.as_str()).collect();
            format!("refused {} ({status})", codes.join(" "))
        }
        other => format!("failed: {other}"),
    }
}

/// Runs every check: against eHealth directly, then the transport checks through each `via`.
pub async fn run(options: &Options) -> Result<Report, ProbeError> {
    let card = match ask_bridge(&options.bridge, Command::ReadCard(ReadCard { reader: None }))? {
        Outcome::Card(card) => card,
        other => return Err(ProbeError::Bridge(format!("the card could not be read: {other:?}"))),
    };
    // What the extension gives a page of the card (`CardSummary`), as the app reads it.
    let holder = EidHolder::from_card(&ehcert_shared::page::CardSummary::from(card.as_ref()))?;
    let client = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .build()
        .map_err(|err| ProbeError::Http(err.to_string()))?;
    let probe = Probe {
        options,
        base: options.base.clone(),
        client: client.clone(),
        dialect: Cell::new(Dialect::default()),
    };
    let mut report = Report {
        base: options.base.clone(),
        card: format!("applet {} ({})", card.applet, card.key_algorithm.name()),
        checks: Vec::new(),
    };
    report.checks.push(Check {
        name: "transport:direct".into(),
        answer: format!(
            "{} with User-Agent {USER_AGENT}, trusting this system's roots",
            options.base
        ),
        decides: "nothing by itself: the answers below came this way; the `transport:` checks \
                  after them ask again through the production transport"
            .into(),
    });

    // 1. Which SignatureMethod CertRA accepts from this card: GetCertificateInfoForCitizen
    // (read-only) signed with the authentication key once per method.
    let methods: &[Option<EcSignatureMethod>] =
        if holder.key_algorithm == ehcert_shared::bridge::CardKeyAlgorithm::EcdsaP384 {
            &[Some(EcSignatureMethod::EcdsaSha256), Some(EcSignatureMethod::EcdsaSha384)]
        } else {
            &[None]
        };
    for method in methods {
        if let Some(method) = method {
            probe.dialect.set(Dialect { ec_signature: *method, ..Dialect::default() });
        }
        report.checks.push(Check {
            name: format!("signature-method:{}", method_name(*method)),
            answer: list_answer(&probe, &holder).await?,
            decides: "the EC method for this environment: `ehcert-serve --dialect ENV=METHOD,…` \
                      with the method accepted (if both are, keep the default); and, from the \
                      statuses listed, whether requests in progress are listed: with one of the \
                      holder's requests waiting for validation, `IN_PROGRESS` counted means \
                      `--dialect ENV=…,…,in-progress-listed` (app/certra/FIDELITY.md #11)"
                .into(),
        });
    }
    probe.dialect.set(Dialect::default());

    // 2. The contract DN as eHealth writes it, for the person and for an organisation with an
    // application id. GenerateContract is unsigned and commits to nothing.
    for (name, identifier) in contract_identifiers(options, &holder) {
        report.checks.push(Check {
            name: name.into(),
            answer: contract_answer(&probe, &holder, &identifier, &contact(options)).await?,
            decides: "how the DN is read (both forms are) and whether the connector's echo \
                      (`TYPE\\=`) differs from the text returned: if it does, the echo is \
                      compared as a parsed name, unless a GenerateCertificate on acceptance is \
                      refused with the connector's echo (then `--dialect ENV=…,verbatim`)"
                .into(),
        });
    }

    // 3. GetCertificate for a key no one has: how eHealth answers an unknown key.
    report.checks.push(Check {
        name: "get-certificate:unknown-key".into(),
        answer: unknown_key_answer(&probe).await?,
        decides: "whether CERT_NOT_YET_DELIVERED also means 'never received' (ehcert does not \
                  rely on it either way: a lost GenerateCertificate is looked up in the holder's \
                  certificate list)"
            .into(),
    });

    // What the probe does not ask, and why: the signature key's verifier.
    report.checks.push(Check {
        name: "signature-key:verifier".into(),
        answer:
            "not asked: the eID signature key makes a qualified signature, and CertRA takes it \
                 only on GenerateCertificate and Revoke, which request or revoke a certificate; \
                 no read-only operation is signed with it"
                .into(),
        decides: "nothing here: the first GenerateCertificate on acceptance shows it, signed \
                  with the method the `signature-method:*` lines chose (the card signs both keys \
                  with the same algorithm)"
            .into(),
    });

    // 4. The same questions through the production transport, as the page asks them: the app
    // server (or the nginx recipe) adds its own User-Agent, TLS roots and limits on the way.
    for via in &options.via {
        let through = Probe {
            options,
            base: via.trim_end_matches('/').to_owned(),
            client: client.clone(),
            dialect: Cell::new(Dialect::default()),
        };
        let direct = |name: &str| report.answer(name).map(str::to_owned);
        let default_method = format!("signature-method:{}", method_name(methods[0]));
        let asked = [
            (default_method.clone(), list_answer(&through, &holder).await),
            (
                "contract-dn:person".to_owned(),
                contract_answer(
                    &through,
                    &holder,
                    &holder.personal_certificate(),
                    &contact(options),
                )
                .await,
            ),
            ("get-certificate:unknown-key".to_owned(), unknown_key_answer(&through).await),
        ];
        let mut differences = Vec::new();
        for (name, answer) in asked {
            let answer = answer.unwrap_or_else(|err| format!("failed: {err}"));
            if direct(&name).as_deref() != Some(answer.as_str()) {
                differences.push(format!("{name}: {answer}"));
            }
        }
        report.checks.push(Check {
            name: format!("transport:{via}"),
            answer: if differences.is_empty() {
                "the same answers as directly".to_owned()
            } else {
                format!("differs from directly: {}", differences.join("; "))
            },
            decides: "whether the production transport changes what eHealth answers; its \
                      User-Agent and TLS roots are the server's (`--user-agent`, `--upstream-ca`, \
                      the nginx recipe's `ehcert-upstream-ca.pem`), which the probe cannot see"
                .into(),
        });
    }
    Ok(report)
}

/// How the probe names itself to eHealth.
const USER_AGENT: &str = concat!("ehcert-probe/", env!("CARGO_PKG_VERSION"));

fn method_name(method: Option<EcSignatureMethod>) -> &'static str {
    method.map_or("rsa-sha256", EcSignatureMethod::name)
}

/// The contact data sent with the contracts (an organisation's general ones too).
fn contact(options: &Options) -> ContactData {
    ContactData {
        email_private: options.email.clone(),
        email_general: options.organisation.as_ref().map(|_| options.email.clone()),
        phone_private: options.phone.clone(),
        phone_general: options.organisation.as_ref().map(|_| options.phone.clone()),
    }
}

/// The person's own certificate, and the organisation's when one is given.
fn contract_identifiers(
    options: &Options,
    holder: &EidHolder,
) -> Vec<(&'static str, CertificateIdentifier)> {
    let mut identifiers = vec![("contract-dn:person", holder.personal_certificate())];
    if let Some((kind, id)) = &options.organisation {
        identifiers.push((
            "contract-dn:organisation",
            CertificateIdentifier {
                actor: Actor {
                    ids: vec![Identifier { kind: kind.clone(), value: id.clone() }],
                    first_names: Vec::new(),
                    name: options.organisation_name.clone(),
                },
                application_id: Some(options.application_id.clone()),
            },
        ));
    }
    identifiers
}

/// GetCertificateInfoForCitizen signed with the authentication key: accepted or refused, and
/// what it lists. Accepted is told even when the list cannot be read at all (the status says).
async fn list_answer(probe: &Probe<'_>, holder: &EidHolder) -> Result<String, ProbeError> {
    let request = request::get_certificate_info_for_citizen(&probe.meta());
    let body = match holder.call(probe, request, KeyRole::Authentication).await {
        Ok(body) => body,
        Err(err @ (ProbeError::Http(_) | ProbeError::Bridge(_))) => return Err(err),
        Err(err) => return Ok(refusal(&err)),
    };
    Ok(match response::citizen_certificates(&body) {
        Ok(listed) => format!("accepted ({})", listing(&listed)),
        Err(err) => match response::status(Operation::GetCertificateInfoForCitizen, &body) {
            Ok(()) => format!("accepted (the list could not be read: {err})"),
            Err(_) => refusal(&ProbeError::Flow(err.into())),
        },
    })
}

/// GenerateContract: the DN as eHealth writes it, and whether the identifier's `=` is escaped.
async fn contract_answer(
    probe: &Probe<'_>,
    holder: &EidHolder,
    identifier: &CertificateIdentifier,
    contact: &ContactData,
) -> Result<String, ProbeError> {
    Ok(match new_certificate::generate_contract(probe, holder, identifier, contact).await {
        Ok(contract) => {
            let escaped = contract.dn.contains("\\=");
            format!(
                "{} — the identifier's '=' is {}",
                contract.dn,
                if escaped { "escaped" } else { "not escaped" }
            )
        }
        Err(err @ ProbeError::Http(_)) => return Err(err),
        Err(err) => refusal(&err),
    })
}

/// GetCertificate for a key nobody has.
async fn unknown_key_answer(probe: &Probe<'_>) -> Result<String, ProbeError> {
    let mut unknown = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut unknown);
    let get = request::get_certificate(&probe.meta(), &unknown);
    let body = probe.certra(Operation::GetCertificate, get.to_soap()).await?;
    Ok(match response::certificate_chain(&body) {
        Ok(_) => "a certificate (unexpected)".to_owned(),
        Err(err) => refusal(&ProbeError::Flow(err.into())),
    })
}

/// A citizen list in a line: how many entries of each status (so the operator sees whether
/// requests still `IN_PROGRESS` are listed, app/certra/FIDELITY.md #11), and the entries that
/// could not be read, with why.
fn listing(listed: &response::CitizenCertificates) -> String {
    let mut statuses = std::collections::BTreeMap::<&str, usize>::new();
    for info in &listed.certificates {
        *statuses.entry(info.status.as_str()).or_default() += 1;
    }
    let mut parts: Vec<String> =
        statuses.iter().map(|(status, count)| format!("{status} {count}")).collect();
    if parts.is_empty() {
        parts.push("no certificates listed".into());
    }
    for entry in &listed.unreadable {
        parts.push(format!(
            "entry {} unreadable (status {}): {}",
            entry.position + 1,
            entry.status.as_deref().unwrap_or("not given"),
            entry.error
        ));
    }
    parts.join(", ")
}
