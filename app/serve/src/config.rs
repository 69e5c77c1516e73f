//! The server's configuration, from three sources with one set of names: a TOML file
//! (`--config FILE`), the environment (`EHCERT_SERVE_RATE_PER_MINUTE=…`) and flags
//! (`--rate-per-minute …`). A later source wins over an earlier one, setting by setting; a list
//! given again replaces the earlier list rather than adding to it, so an operator can always
//! see one place that decides.
//!
//! Defaults suit a public deployment: production offered only when configured, nothing else;
//! limits sized for one care provider per browser and a hospital's users behind one address.

use std::{
    collections::BTreeMap,
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    time::Duration,
};

use ehcert_certra::{
    dialect::{DnEcho, EcSignatureMethod, InProgressListing},
    endpoint::Environment,
};
use ehcert_shared::{compat::Release, install::Download};

use crate::error::ServeError;

/// Everything the server is told.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Trunk's output folder.
    pub dist: PathBuf,
    /// Serve HTTPS with this certificate chain and key (PEM); `None` behind a load balancer
    /// that terminates TLS.
    pub tls: Option<TlsFiles>,
    /// The public origin is HTTPS (own TLS, or a load balancer in front): send HSTS.
    pub https: bool,
    /// The upstream origin of each offered eHealth environment.
    pub upstreams: BTreeMap<Environment, String>,
    /// The environment the page starts on.
    pub default_environment: Option<Environment>,
    /// Origins besides our own that the page may call.
    pub connect_src: Vec<String>,
    /// Kiosk mode (app/PRODUCT.md F17): seconds without input before the session ends.
    pub kiosk_idle_seconds: Option<u32>,
    /// Per environment, the operator's answers to what no public source settles.
    pub dialects: Vec<Dialect>,
    /// The `User-Agent` sent to eHealth.
    pub user_agent: String,
    /// Extra trusted roots for eHealth's TLS (PEM files).
    pub upstream_ca: Vec<PathBuf>,
    /// The limits.
    pub limits: Limits,
    /// Peers whose `X-Forwarded-For` is believed (the load balancer or reverse proxy).
    pub trusted_proxies: Vec<IpNet>,
    /// Write one JSON line per request to standard output.
    pub access_log: bool,
    /// Where a person gets the extension and the card bridge, for the home page's links.
    pub install: BTreeMap<Download, String>,
    /// Who runs this site, in the operator's words, for the home page.
    pub operator: Option<String>,
    /// Whom a person calls or writes when something does not work (an address, a phone
    /// number, opening hours: the operator's words), for the home page.
    pub support: Option<String>,
    /// The oldest card bridge this site works with: an older one is shown as to be updated.
    pub minimum_bridge: Option<Release>,
    /// The oldest extension this site works with.
    pub minimum_extension: Option<Release>,
    /// A folder of self-hosted extension packages and their update manifests
    /// (`extension/release.mjs --kiosk-key`), served under [`EXTENSION_UPDATES_PATH`] for the
    /// kiosk policy's force-install (docs/kiosk.md).
    pub extension_updates: Option<PathBuf>,
}

/// The certificate chain and key for the server's own TLS.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    /// PEM certificate chain, leaf first.
    pub certificate: PathBuf,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// How much the server takes.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Time for a client to send a request's headers (also an idle keep-alive connection's
    /// life).
    pub header_timeout: Duration,
    /// Time for a client to send a request's body.
    pub body_timeout: Duration,
    /// The largest request body (the largest request the page sends is a GenerateCertificate
    /// with contract texts and chain, well under this).
    pub max_request_bytes: usize,
    /// Open connections at once; more wait in the kernel's queue.
    pub max_connections: usize,
    /// Calls to eHealth in flight at once; more are refused with 503.
    pub max_concurrent_calls: usize,
    /// Calls to eHealth per client per minute, on average; more are refused with 429.
    pub rate_per_minute: u32,
    /// Calls to eHealth a client may make at once before the average applies.
    pub rate_burst: u32,
    /// How long eHealth may take.
    pub upstream_timeout: Duration,
    /// How long calls in flight may take to finish once a shutdown is asked for.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(20),
            max_request_bytes: 256 * 1024,
            max_connections: 1024,
            max_concurrent_calls: 64,
            // A new certificate is about ten calls and a GetCertificate poll every few
            // seconds; a hospital's users may share one address.
            rate_per_minute: 300,
            rate_burst: 60,
            upstream_timeout: Duration::from_secs(30),
            // Longer than an upstream call may take, so none in flight is cut.
            shutdown_grace: Duration::from_secs(35),
        }
    }
}

/// One environment's dialect: `acceptance=ecdsa-sha384,verbatim[,in-progress-listed]`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Dialect {
    /// The environment.
    pub environment: Environment,
    /// `ecdsa-sha256` or `ecdsa-sha384`.
    pub ec_signature_method: String,
    /// `connector` or `verbatim`.
    pub dn_echo: String,
    /// `in-progress-unknown` (when not given) or `in-progress-listed`.
    pub in_progress: String,
}

/// An address or a network (`10.0.0.0/8`).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct IpNet {
    address: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// `10.0.0.0/8`, `192.0.2.1`, `2001:db8::/32`.
    pub fn parse(text: &str) -> Option<Self> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address.parse().ok()?, Some(prefix.parse().ok()?)),
            None => (text.parse().ok()?, None),
        };
        let bits = if matches!(address, IpAddr::V4(_)) { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        (prefix <= bits).then_some(Self { address, prefix })
    }

    /// Whether `address` is in this network.
    pub fn contains(&self, address: IpAddr) -> bool {
        fn masked(bits: u128, width: u8, prefix: u8) -> u128 {
            let keep = u32::from(prefix);
            let drop = u32::from(width) - keep;
            if keep == 0 {
                0
            } else {
                (bits >> drop) << drop
            }
        }
        match (self.address, address.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), 32, self.prefix)
                    == masked(u32::from(ip).into(), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(net.into(), 128, self.prefix) == masked(ip.into(), 128, self.prefix)
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for IpNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

/// Where `extension_updates` is served.
pub const EXTENSION_UPDATES_PATH: &str = "/extension-updates";

/// What `--help` prints: every setting, its flag, its environment variable and default.
pub const HELP: &str = "\
usage: ehcert-serve [--config FILE] [--check-config | --health | --export-nginx DIR] [--SETTING VALUE]...

Each setting is a key in the TOML file, a flag (--listen) and an environment variable
(EHCERT_SERVE_LISTEN); flags win over the environment, which wins over the file. A list given
in a later source replaces the earlier one; in the environment a list is comma-separated.

  dist DIR                     the built app (Trunk's dist/)                      required
  listen ADDR                  address to listen on                    127.0.0.1:8080
  tls_certificate FILE         serve HTTPS: PEM chain, leaf first     (HTTP when absent)
  tls_key FILE                 serve HTTPS: PEM private key
  https BOOL                   the public origin is https (own TLS or a load balancer
                               in front): send Strict-Transport-Security  (true with TLS)
  upstream [ENV=ORIGIN]        the eHealth environments offered to the page and where they
                               are: production=https://services.ehealth.fgov.be,
                               acceptance=https://services-acpt.ehealth.fgov.be,
                               local=http://127.0.0.1:8090 (the mock, for the demo)
  default_environment ENV      the one the page starts on   (production if offered, else
                               the first offered)
  connect_src [ORIGIN]         more origins the page may call (CSP connect-src)
  kiosk BOOL                   a shared computer: nothing kept, idle sessions end
  kiosk_idle_seconds N         ... after N seconds without input             (300)
  dialect [ENV=METHOD,ECHO[,LISTING]]  what an environment does where no public source
                               says: METHOD ecdsa-sha256|ecdsa-sha384, ECHO
                               connector|verbatim, LISTING in-progress-listed once the
                               acceptance probe saw a request in progress listed
                               (in-progress-unknown: a lost request is not sent again)
  install [NAME=ADDRESS]       where people get the extension and the card bridge, linked
                               from the home page for their browser and system: NAME
                               extension-chrome|extension-edge|extension-firefox|
                               bridge-windows|bridge-macos|bridge-linux (.deb)|
                               bridge-linux-rpm; ADDRESS https://…
                               or a path on this server              (no links when absent)
  operator TEXT                who runs this site, shown on the home page
                               (AZ Voorbeeld, ICT department)       (not shown when absent)
  support TEXT                 whom people contact when it does not work, shown on the
                               home page (helpdesk@az-voorbeeld.be, 09 123 45 67)
  minimum_bridge X.Y.Z         the oldest card bridge this site works with: the home page
                               asks for an update below it          (any that shares a protocol)
  minimum_extension X.Y.Z      the same for the browser extension   (any that shares a protocol)
  extension_updates DIR        self-hosted extension packages and their update manifests
                               (extension/release.mjs --kiosk-key), served at
                               /extension-updates/ for the kiosk policy  (not served when absent)
  user_agent PRODUCT/VERSION   towards eHealth                       (ehcert/VERSION)
  upstream_ca [FILE]           more trusted roots for eHealth's TLS, besides the system's
  trusted_proxies [NET]        load balancers whose X-Forwarded-For names the client
  access_log BOOL              one JSON line per request on standard output    (true)
  header_timeout_seconds N     to receive a request's headers                    (10)
  body_timeout_seconds N       to receive a request's body                       (20)
  max_request_bytes N          largest request body                          (262144)
  max_connections N            open connections at once                        (1024)
  max_concurrent_calls N       calls to eHealth in flight, then 503              (64)
  rate_per_minute N            calls to eHealth per client per minute, then 429 (300)
  rate_burst N                 calls a client may make at once                   (60)
  upstream_timeout_seconds N   how long eHealth may take                         (30)
  shutdown_grace_seconds N     for calls in flight after SIGTERM                 (35)

--check-config reads everything (the app, the TLS and CA files included), prints the
effective configuration and exits: 0 when the server would start, 2 when not.
--health asks the server of this configuration (on this machine) for /healthz and exits: 0 when
it answers 200, 2 when not (a container's health check).
--export-nginx DIR writes the same configuration as an nginx recipe: DIR/site (the app),
DIR/ehcert-http.conf and DIR/ehcert-server.conf (see app/serve/nginx/ehcert.conf).";

/// The settings whose value is a list.
const LISTS: [&str; 6] =
    ["upstream", "connect_src", "dialect", "install", "upstream_ca", "trusted_proxies"];

/// Every setting's name.
const SETTINGS: [&str; 30] = [
    "dist",
    "listen",
    "tls_certificate",
    "tls_key",
    "https",
    "upstream",
    "default_environment",
    "connect_src",
    "kiosk",
    "kiosk_idle_seconds",
    "dialect",
    "install",
    "operator",
    "support",
    "minimum_bridge",
    "minimum_extension",
    "extension_updates",
    "user_agent",
    "upstream_ca",
    "trusted_proxies",
    "access_log",
    "header_timeout_seconds",
    "body_timeout_seconds",
    "max_request_bytes",
    "max_connections",
    "max_concurrent_calls",
    "rate_per_minute",
    "rate_burst",
    "upstream_timeout_seconds",
    "shutdown_grace_seconds",
];

/// Settings as the sources give them, before they are checked: name → values.
pub type Raw = BTreeMap<String, Vec<String>>;

/// What the command line asks for besides settings.
#[derive(Debug, Default)]
pub struct Invocation {
    /// The configuration file.
    pub file: Option<PathBuf>,
    /// Check and print, do not serve.
    pub check_only: bool,
    /// Ask the running server for `/healthz` (crate::health), do not serve.
    pub health: bool,
    /// Write the nginx recipe into this folder, do not serve.
    pub export_nginx: Option<PathBuf>,
    /// Print the help.
    pub help: bool,
    /// The settings given as flags.
    pub flags: Raw,
}

/// Reads the command line (without the program name).
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Invocation, ServeError> {
    let mut invocation = Invocation::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--help" | "-h" => invocation.help = true,
            "--check-config" => invocation.check_only = true,
            "--health" => invocation.health = true,
            "--export-nginx" => {
                invocation.export_nginx = Some(PathBuf::from(
                    args.next().ok_or(ServeError::Missing("--export-nginx DIR"))?,
                ));
            }
            "--config" => {
                invocation.file =
                    Some(PathBuf::from(args.next().ok_or(ServeError::Missing("--config FILE"))?));
            }
            flag => {
                let name = flag
                    .strip_prefix("--")
                    .map(|name| name.replace('-', "_"))
                    .filter(|name| SETTINGS.contains(&name.as_str()))
                    .ok_or_else(|| ServeError::UnknownSetting(flag.to_owned()))?;
                // `--kiosk` alone is `--kiosk true`.
                let value = if name == "kiosk" {
                    "true".to_owned()
                } else {
                    args.next().ok_or_else(|| ServeError::Setting {
                        setting: name.clone(),
                        problem: "needs a value".into(),
                    })?
                };
                let values = invocation.flags.entry(name.clone()).or_default();
                if !LISTS.contains(&name.as_str()) {
                    values.clear();
                }
                values.push(value);
            }
        }
    }
    Ok(invocation)
}

/// Reads the settings in the environment (`EHCERT_SERVE_<NAME>`).
pub fn from_environment(vars: impl IntoIterator<Item = (String, String)>) -> Raw {
    let mut raw = Raw::new();
    for (key, value) in vars {
        let Some(name) = key.strip_prefix("EHCERT_SERVE_") else { continue };
        let name = name.to_ascii_lowercase();
        let values = if LISTS.contains(&name.as_str()) {
            value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
        } else {
            vec![value]
        };
        raw.insert(name, values);
    }
    raw
}

/// Reads a TOML configuration file's text. Lists are arrays; `upstream` and `install` may also
/// be tables (`[upstream]` then `production = "https://…"`).
pub fn from_toml(text: &str, path: &std::path::Path) -> Result<Raw, ServeError> {
    let bad = |problem: String| ServeError::ConfigFile { path: path.to_owned(), problem };
    let table: toml::Table = text.parse().map_err(|err: toml::de::Error| bad(err.to_string()))?;
    let mut raw = Raw::new();
    for (name, value) in table {
        let scalar = |value: &toml::Value| match value {
            toml::Value::String(text) => Ok(text.clone()),
            toml::Value::Integer(number) => Ok(number.to_string()),
            toml::Value::Boolean(flag) => Ok(flag.to_string()),
            other => {
                Err(bad(format!("{name}: {} is not a value this setting takes", other.type_str())))
            }
        };
        let values = match &value {
            toml::Value::Array(items) => items.iter().map(scalar).collect::<Result<_, _>>()?,
            toml::Value::Table(entries) if name == "upstream" || name == "install" => entries
                .iter()
                .map(|(key, value)| Ok(format!("{key}={}", scalar(value)?)))
                .collect::<Result<_, ServeError>>()?,
            other => vec![scalar(other)?],
        };
        raw.insert(name, values);
    }
    Ok(raw)
}

/// The configuration from the sources, earliest first.
pub fn resolve(sources: &[Raw]) -> Result<Config, ServeError> {
    let mut merged = Raw::new();
    for source in sources {
        for (name, values) in source {
            merged.insert(name.clone(), values.clone());
        }
    }
    let mut config = Config {
        listen: ([127, 0, 0, 1], 8080).into(),
        dist: PathBuf::new(),
        tls: None,
        https: false,
        upstreams: BTreeMap::new(),
        default_environment: None,
        connect_src: Vec::new(),
        kiosk_idle_seconds: None,
        dialects: Vec::new(),
        user_agent: concat!("ehcert/", env!("CARGO_PKG_VERSION")).to_owned(),
        upstream_ca: Vec::new(),
        limits: Limits::default(),
        trusted_proxies: Vec::new(),
        access_log: true,
        install: BTreeMap::new(),
        operator: None,
        support: None,
        minimum_bridge: None,
        minimum_extension: None,
        extension_updates: None,
    };
    let mut dist = None;
    let mut tls_certificate = None;
    let mut tls_key = None;
    let mut https = None;
    let mut kiosk = false;
    for (name, values) in &merged {
        let bad =
            |problem: &str| ServeError::Setting { setting: name.clone(), problem: problem.into() };
        let one = || values.last().map(String::as_str).ok_or_else(|| bad("needs a value"));
        let number = |what: &str| -> Result<u64, ServeError> {
            one()?.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| bad(what))
        };
        let seconds = || number("takes a whole number of seconds above 0").map(Duration::from_secs);
        let boolean = || match one()? {
            "true" | "yes" | "1" => Ok(true),
            "false" | "no" | "0" => Ok(false),
            _ => Err(bad("takes true or false")),
        };
        let count = |what: &str| -> Result<usize, ServeError> {
            usize::try_from(number(what)?).map_err(|_| bad(what))
        };
        let small = |what: &str| -> Result<u32, ServeError> {
            u32::try_from(number(what)?).map_err(|_| bad(what))
        };
        match name.as_str() {
            "dist" => dist = Some(PathBuf::from(one()?)),
            "listen" => {
                config.listen = one()?.parse().map_err(|_| bad("takes ADDRESS:PORT"))?;
            }
            "tls_certificate" => tls_certificate = Some(PathBuf::from(one()?)),
            "tls_key" => tls_key = Some(PathBuf::from(one()?)),
            "https" => https = Some(boolean()?),
            "upstream" => {
                for value in values {
                    let (environment, origin) = upstream(value).map_err(|problem| bad(&problem))?;
                    config.upstreams.insert(environment, origin);
                }
            }
            "default_environment" => {
                config.default_environment = Some(
                    Environment::named(one()?)
                        .ok_or_else(|| bad("takes production, acceptance or local"))?,
                );
            }
            "connect_src" => config.connect_src = values.clone(),
            "kiosk" => kiosk = boolean()?,
            "kiosk_idle_seconds" => {
                config.kiosk_idle_seconds = Some(small("takes a number of seconds above 0")?);
            }
            "dialect" => {
                config.dialects =
                    values.iter().map(|v| dialect(v)).collect::<Option<_>>().ok_or_else(|| {
                        bad("takes ENVIRONMENT=ecdsa-sha256|ecdsa-sha384,connector|verbatim[,in-progress-listed|in-progress-unknown]")
                    })?;
            }
            "install" => {
                config.install =
                    values.iter().map(|value| install(value)).collect::<Option<_>>().ok_or_else(
                        || bad("takes NAME=ADDRESS (see --help), the address https://… or /path"),
                    )?;
            }
            "operator" => config.operator = Some(words(one()?).map_err(&bad)?),
            "support" => config.support = Some(words(one()?).map_err(&bad)?),
            "minimum_bridge" => {
                config.minimum_bridge =
                    Some(Release::parse(one()?).ok_or_else(|| bad("takes a version X.Y.Z"))?);
            }
            "minimum_extension" => {
                config.minimum_extension =
                    Some(Release::parse(one()?).ok_or_else(|| bad("takes a version X.Y.Z"))?);
            }
            "extension_updates" => config.extension_updates = Some(PathBuf::from(one()?)),
            "user_agent" => config.user_agent = user_agent(one()?).map_err(|p| bad(&p))?,
            "upstream_ca" => config.upstream_ca = values.iter().map(PathBuf::from).collect(),
            "trusted_proxies" => {
                config.trusted_proxies = values
                    .iter()
                    .map(|v| IpNet::parse(v))
                    .collect::<Option<_>>()
                    .ok_or_else(|| bad("takes addresses or networks (10.0.0.0/8)"))?;
            }
            "access_log" => config.access_log = boolean()?,
            "header_timeout_seconds" => config.limits.header_timeout = seconds()?,
            "body_timeout_seconds" => config.limits.body_timeout = seconds()?,
            "upstream_timeout_seconds" => config.limits.upstream_timeout = seconds()?,
            "shutdown_grace_seconds" => config.limits.shutdown_grace = seconds()?,
            "max_request_bytes" => {
                config.limits.max_request_bytes = count("takes a size in bytes")?
            }
            "max_connections" => config.limits.max_connections = count("takes a number above 0")?,
            "max_concurrent_calls" => {
                config.limits.max_concurrent_calls = count("takes a number above 0")?;
            }
            "rate_per_minute" => config.limits.rate_per_minute = small("takes a number above 0")?,
            "rate_burst" => config.limits.rate_burst = small("takes a number above 0")?,
            other => return Err(ServeError::UnknownSetting(other.to_owned())),
        }
    }
    config.dist = dist.ok_or(ServeError::Missing("dist"))?;
    config.tls = match (tls_certificate, tls_key) {
        (Some(certificate), Some(key)) => Some(TlsFiles { certificate, key }),
        (None, None) => None,
        _ => {
            return Err(ServeError::Setting {
                setting: "tls_certificate".into(),
                problem: "tls_certificate and tls_key go together".into(),
            })
        }
    };
    config.https = https.unwrap_or(config.tls.is_some());
    if kiosk && config.kiosk_idle_seconds.is_none() {
        config.kiosk_idle_seconds = Some(300);
    }
    if let Some(default) = config.default_environment {
        if !config.upstreams.contains_key(&default) {
            return Err(ServeError::Setting {
                setting: "default_environment".into(),
                problem: format!("{} is not offered: give it an upstream", default.name()),
            });
        }
    }
    Ok(config)
}

impl Config {
    /// The environments offered to the page, the one it starts on first.
    pub fn offered_environments(&self) -> Vec<Environment> {
        let default = self.default_environment.or_else(|| {
            if self.upstreams.contains_key(&Environment::Production) {
                Some(Environment::Production)
            } else {
                self.upstreams.keys().next().copied()
            }
        });
        default
            .into_iter()
            .chain(self.upstreams.keys().copied().filter(|e| Some(*e) != default))
            .collect()
    }

    /// The effective configuration in the file's syntax, for `--check-config`.
    pub fn describe(&self) -> String {
        let limits = &self.limits;
        let list = |items: &[String]| {
            let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
            format!("[{}]", quoted.join(", "))
        };
        let upstreams: Vec<String> =
            self.upstreams.iter().map(|(env, origin)| format!("{}={origin}", env.name())).collect();
        let offered: Vec<String> =
            self.offered_environments().iter().map(|env| env.name().to_owned()).collect();
        let dialects: Vec<String> = self
            .dialects
            .iter()
            .map(|d| {
                let (env, method, echo) =
                    (d.environment.name(), &d.ec_signature_method, &d.dn_echo);
                format!("{env}={method},{echo},{}", d.in_progress)
            })
            .collect();
        let cas: Vec<String> = self.upstream_ca.iter().map(|p| p.display().to_string()).collect();
        let proxies: Vec<String> = self.trusted_proxies.iter().map(ToString::to_string).collect();
        let installs: Vec<String> = self
            .install
            .iter()
            .map(|(download, address)| format!("{}={address}", download.name()))
            .collect();
        let mut lines = vec![
            format!("dist = {:?}", self.dist.display().to_string()),
            format!("listen = {:?}", self.listen.to_string()),
        ];
        if let Some(tls) = &self.tls {
            lines.push(format!("tls_certificate = {:?}", tls.certificate.display().to_string()));
            lines.push(format!("tls_key = {:?}", tls.key.display().to_string()));
        }
        lines.extend([
            format!("https = {}", self.https),
            format!("upstream = {}", list(&upstreams)),
            format!("# offered to the page, the default first: {}", list(&offered)),
            format!("connect_src = {}", list(&self.connect_src)),
            format!("kiosk = {}", self.kiosk_idle_seconds.is_some()),
        ]);
        if let Some(seconds) = self.kiosk_idle_seconds {
            lines.push(format!("kiosk_idle_seconds = {seconds}"));
        }
        lines.extend([
            format!("dialect = {}", list(&dialects)),
            format!("install = {}", list(&installs)),
            format!("operator = {:?}", self.operator.as_deref().unwrap_or("")),
            format!("support = {:?}", self.support.as_deref().unwrap_or("")),
            format!(
                "minimum_bridge = {}",
                self.minimum_bridge.map(|v| v.to_string()).unwrap_or_default()
            ),
            format!(
                "minimum_extension = {}",
                self.minimum_extension.map(|v| v.to_string()).unwrap_or_default()
            ),
            format!(
                "extension_updates = {:?}",
                self.extension_updates
                    .as_ref()
                    .map(|folder| folder.display().to_string())
                    .unwrap_or_default()
            ),
            format!("user_agent = {:?}", self.user_agent),
            format!("upstream_ca = {}", list(&cas)),
            format!("trusted_proxies = {}", list(&proxies)),
            format!("access_log = {}", self.access_log),
            format!("header_timeout_seconds = {}", limits.header_timeout.as_secs()),
            format!("body_timeout_seconds = {}", limits.body_timeout.as_secs()),
            format!("max_request_bytes = {}", limits.max_request_bytes),
            format!("max_connections = {}", limits.max_connections),
            format!("max_concurrent_calls = {}", limits.max_concurrent_calls),
            format!("rate_per_minute = {}", limits.rate_per_minute),
            format!("rate_burst = {}", limits.rate_burst),
            format!("upstream_timeout_seconds = {}", limits.upstream_timeout.as_secs()),
            format!("shutdown_grace_seconds = {}", limits.shutdown_grace.as_secs()),
        ]);
        lines.join("\n")
    }
}

/// `ENV=ORIGIN`: a known environment and an origin without path; plain HTTP only to this
/// machine (the mock), because the SOAP calls carry signed requests and certificates.
fn upstream(value: &str) -> Result<(Environment, String), String> {
    let (name, origin) = value.split_once('=').ok_or("takes ENVIRONMENT=ORIGIN")?;
    let environment =
        Environment::named(name).ok_or("the environment is production, acceptance or local")?;
    let origin = origin.trim_end_matches('/');
    let host = if let Some(rest) = origin.strip_prefix("https://") {
        rest
    } else if let Some(rest) = origin.strip_prefix("http://") {
        let host = rest.rsplit_once(':').map_or(rest, |(host, _port)| host);
        let loopback = host == "localhost"
            || host.trim_matches(['[', ']']).parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if !loopback {
            return Err("plain http only to this machine (the mock); eHealth is https".into());
        }
        rest
    } else {
        return Err("the origin starts with https://".into());
    };
    if host.is_empty() || host.contains(['/', '?', '#', '@']) {
        return Err("an origin is scheme://host[:port], without path or credentials".into());
    }
    Ok((environment, origin.to_owned()))
}

/// `NAME=ADDRESS`: a known download and an address the page may link to
/// ([`Download::acceptable_address`]: https, or a path on this server).
/// A text for people (the operator, the support contact): one line of at most 200 characters,
/// without control characters.
fn words(value: &str) -> Result<String, &'static str> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 200 || value.chars().any(char::is_control) {
        return Err("takes one line of text, at most 200 characters");
    }
    Ok(value.to_owned())
}

fn install(value: &str) -> Option<(Download, String)> {
    let (name, address) = value.split_once('=')?;
    let download = Download::named(name)?;
    Download::acceptable_address(address).then(|| (download, address.to_owned()))
}

fn dialect(value: &str) -> Option<Dialect> {
    let (environment, rest) = value.split_once('=')?;
    let mut parts = rest.split(',');
    let (method, echo) = (parts.next()?, parts.next()?);
    let listing = parts.next().unwrap_or(InProgressListing::default().name());
    if parts.next().is_some() {
        return None;
    }
    EcSignatureMethod::parse(method)?;
    DnEcho::parse(echo)?;
    InProgressListing::parse(listing)?;
    Some(Dialect {
        environment: Environment::named(environment)?,
        ec_signature_method: method.to_owned(),
        dn_echo: echo.to_owned(),
        in_progress: listing.to_owned(),
    })
}

/// `product/version` parts as the connector's `handler/UserAgentHandler.java` expects them
/// (`[a-zA-Z0-9]*/[0-9a-zA-Z-_.]*`, space-separated).
fn user_agent(value: &str) -> Result<String, String> {
    let valid = !value.is_empty()
        && value.split(' ').all(|part| {
            part.split_once('/').is_some_and(|(product, version)| {
                !product.is_empty()
                    && product.chars().all(|c| c.is_ascii_alphanumeric())
                    && !version.is_empty()
                    && version.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            })
        });
    if valid {
        Ok(value.to_owned())
    } else {
        Err("takes PRODUCT/VERSION parts, e.g. ehcert/1.0".into())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn raw(pairs: &[(&str, &[&str])]) -> Raw {
        pairs
            .iter()
            .map(|(name, values)| {
                (name.to_string(), values.iter().map(|v| v.to_string()).collect())
            })
            .collect()
    }

    #[test]
    fn flags_win_over_the_environment_which_wins_over_the_file_and_lists_are_replaced() {
        let file = from_toml(
            "dist = \"dist\"\nrate_per_minute = 10\nconnect_src = [\"https://a.example\"]\n\
             [upstream]\nproduction = \"https://services.ehealth.fgov.be\"\n",
            std::path::Path::new("ehcert.toml"),
        )
        .unwrap();
        let environment = from_environment([
            ("EHCERT_SERVE_RATE_PER_MINUTE".to_owned(), "20".to_owned()),
            (
                "EHCERT_SERVE_CONNECT_SRC".to_owned(),
                "https://b.example, https://c.example".to_owned(),
            ),
            ("HOME".to_owned(), "/root".to_owned()),
        ]);
        let flags =
            parse_args(["--rate-per-minute", "30", "--kiosk"].map(String::from)).unwrap().flags;
        let config = resolve(&[file, environment, flags]).unwrap();
        assert_eq!(config.limits.rate_per_minute, 30);
        assert_eq!(config.connect_src, ["https://b.example", "https://c.example"]);
        assert_eq!(config.kiosk_idle_seconds, Some(300));
        assert_eq!(config.offered_environments(), [Environment::Production]);
        assert!(!config.https);
    }

    #[test]
    fn production_is_the_default_where_offered_and_the_operator_may_choose() {
        let both = raw(&[
            ("dist", &["d"]),
            (
                "upstream",
                &[
                    "acceptance=https://services-acpt.ehealth.fgov.be",
                    "production=https://services.ehealth.fgov.be",
                ],
            ),
        ]);
        let config = resolve(std::slice::from_ref(&both)).unwrap();
        assert_eq!(
            config.offered_environments(),
            [Environment::Production, Environment::Acceptance]
        );
        let chosen = resolve(&[both, raw(&[("default_environment", &["acceptance"])])]).unwrap();
        assert_eq!(
            chosen.offered_environments(),
            [Environment::Acceptance, Environment::Production]
        );
        let demo =
            resolve(&[raw(&[("dist", &["d"]), ("upstream", &["local=http://127.0.0.1:8090"])])])
                .unwrap();
        assert_eq!(demo.offered_environments(), [Environment::Local]);
        let none = resolve(&[raw(&[("dist", &["d"])])]).unwrap();
        assert!(none.offered_environments().is_empty());
        let missing =
            resolve(&[raw(&[("dist", &["d"]), ("default_environment", &["acceptance"])])]);
        assert!(matches!(missing, Err(ServeError::Setting { .. })), "{missing:?}");
    }

    #[test]
    fn a_dialect_names_the_in_progress_listing_or_leaves_it_unknown() {
        let config = resolve(&[raw(&[
            ("dist", &["d"]),
            (
                "dialect",
                &[
                    "acceptance=ecdsa-sha384,verbatim",
                    "local=ecdsa-sha256,connector,in-progress-listed",
                ],
            ),
        ])])
        .unwrap();
        let listings: Vec<(&str, &str)> = config
            .dialects
            .iter()
            .map(|d| (d.environment.name(), d.in_progress.as_str()))
            .collect();
        assert_eq!(
            listings,
            [("acceptance", "in-progress-unknown"), ("local", "in-progress-listed")]
        );
    }

    #[test]
    fn the_downloads_come_from_a_table_in_the_file_or_a_list_of_flags() {
        let file = from_toml(
            "dist = \"dist\"\n[install]\n\
             bridge-windows = \"/downloads/ehcert-card-bridge-0.1.0-x64-user.msi\"\n\
             extension-chrome = \"https://chromewebstore.google.com/detail/ehcert/id\"\n",
            std::path::Path::new("ehcert.toml"),
        )
        .unwrap();
        let config = resolve(std::slice::from_ref(&file)).unwrap();
        assert_eq!(
            config.install.get(&Download::BridgeWindows).map(String::as_str),
            Some("/downloads/ehcert-card-bridge-0.1.0-x64-user.msi")
        );
        assert_eq!(config.install.len(), 2);
        assert!(config.describe().contains("\"bridge-windows=/downloads/"), "--check-config");
        let flags = parse_args(
            ["--install", "bridge-linux=/downloads/ehcert-card-bridge_0.1.0_amd64.deb"]
                .map(String::from),
        )
        .unwrap()
        .flags;
        let replaced = resolve(&[file, flags]).unwrap();
        assert_eq!(replaced.install.keys().collect::<Vec<_>>(), [&Download::BridgeLinux]);
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        for (name, value) in [
            ("upstream", "production=http://services.ehealth.fgov.be"),
            ("upstream", "production=https://services.ehealth.fgov.be/CertRa"),
            ("upstream", "production=https://user@services.ehealth.fgov.be"),
            ("upstream", "test=https://services.ehealth.fgov.be"),
            ("upstream", "services.ehealth.fgov.be"),
            ("rate_per_minute", "0"),
            ("rate_per_minute", "-1"),
            ("max_request_bytes", "lots"),
            ("listen", "8080"),
            ("https", "maybe"),
            ("dialect", "acceptance=ecdsa-sha512,connector"),
            ("dialect", "acceptance=ecdsa-sha256,connector,in-progress-maybe"),
            ("dialect", "acceptance=ecdsa-sha256,connector,in-progress-listed,more"),
            ("user_agent", "ehcert 1.0"),
            ("trusted_proxies", "10.0.0.0/33"),
            ("default_environment", "test"),
            ("install", "bridge-android=https://example.be/bridge.apk"),
            ("install", "bridge-windows=http://example.be/bridge.msi"),
            ("install", "extension-chrome=https://example.be/\"><script>"),
            ("install", "https://example.be/bridge.msi"),
        ] {
            let result = resolve(&[raw(&[("dist", &["d"]), (name, &[value])])]);
            assert!(
                matches!(result, Err(ServeError::Setting { .. })),
                "{name}={value}: {result:?}"
            );
        }
        assert!(matches!(
            resolve(&[raw(&[("dist", &["d"]), ("colour", &["red"])])]),
            Err(ServeError::UnknownSetting(_))
        ));
        assert!(matches!(resolve(&[Raw::new()]), Err(ServeError::Missing("dist"))));
        assert!(matches!(parse_args(["--colour".to_owned()]), Err(ServeError::UnknownSetting(_))));
        let half_tls = resolve(&[raw(&[("dist", &["d"]), ("tls_certificate", &["c.pem"])])]);
        assert!(matches!(half_tls, Err(ServeError::Setting { .. })));
        assert!(matches!(
            from_toml("dist = [1, {}]", std::path::Path::new("f")),
            Err(ServeError::ConfigFile { .. })
        ));
        assert!(matches!(
            from_toml("dist = ", std::path::Path::new("f")),
            Err(ServeError::ConfigFile { .. })
        ));
    }

    #[test]
    fn the_loopback_mock_may_be_plain_http_and_tls_turns_hsts_on() {
        let config = resolve(&[raw(&[
            ("dist", &["d"]),
            ("upstream", &["local=http://127.0.0.1:8090/", "acceptance=http://localhost:9"]),
            ("tls_certificate", &["c.pem"]),
            ("tls_key", &["k.pem"]),
        ])])
        .unwrap();
        assert_eq!(config.upstreams[&Environment::Local], "http://127.0.0.1:8090");
        assert!(config.https);
    }

    #[test]
    fn networks_contain_their_addresses_only() {
        let net = IpNet::parse("10.1.0.0/16").unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(
            net.contains("::ffff:10.1.0.9".parse().unwrap()),
            "IPv4-mapped IPv6 is the same client"
        );
        assert!(IpNet::parse("0.0.0.0/0").unwrap().contains("192.0.2.1".parse().unwrap()));
        let one = IpNet::parse("2001:db8::1").unwrap();
        assert!(one.contains("2001:db8::1".parse().unwrap()));
        assert!(!one.contains("2001:db8::2".parse().unwrap()));
        assert!(!one.contains("10.1.0.1".parse().unwrap()));
    }
}
