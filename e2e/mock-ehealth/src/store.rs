//! The mock's state in an embedded SQLite file, so a restart loses nothing (app/certra/PROTOCOL.md §13):
//! one row per requested certificate, keyed by its PublicKeyIdentifier, with its ETK state; the
//! contracts handed out (to check they come back unchanged); and every request received.

use std::{path::Path, sync::Mutex};

use rusqlite::{params, Connection, OptionalExtension as _, Row};
use serde::{Deserialize, Serialize};

/// One certificate request and what became of it. The plain fields travel as JSON in one
/// column; the blobs (skipped by serde) have columns of their own.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Record {
    /// 40 hex digits, upper case.
    pub(crate) public_key_identifier: String,
    pub(crate) dn: String,
    /// `NaturalPerson` or `Organization`.
    pub(crate) entity: String,
    /// `SSIN`, `NIHII-HOSPITAL`, `CBE`, …
    pub(crate) actor_type: String,
    pub(crate) actor_id: String,
    pub(crate) actor_name: String,
    /// The actor's first names as requested (a person's; the requester's for an organisation).
    #[serde(default)]
    pub(crate) actor_first_names: Vec<String>,
    pub(crate) application_id: Option<String>,
    /// Who signed the request (the eID holder).
    pub(crate) requester_ssin: String,
    pub(crate) email_private: String,
    pub(crate) email_general: Option<String>,
    pub(crate) phone_private: String,
    pub(crate) phone_general: Option<String>,
    pub(crate) base_services: Vec<String>,
    /// `IN_PROGRESS`, `VALID_ACTIVE`, `REFUSED`, `REVOKED`, `EXPIRED`.
    pub(crate) status: String,
    pub(crate) automatically_validated: bool,
    pub(crate) requested_at: i64,
    /// `CERT_NOT_YET_DELIVERED` answers still to give.
    pub(crate) polls_left: u32,
    /// Held for an operator's decision (manual validation).
    pub(crate) awaiting_validation: bool,
    #[serde(skip)]
    pub(crate) csr: Vec<u8>,
    #[serde(skip)]
    pub(crate) certificate: Option<Vec<u8>>,
    pub(crate) serial: Option<String>,
    pub(crate) issuer_dn: Option<String>,
    pub(crate) not_before: Option<i64>,
    pub(crate) not_after: Option<i64>,
    pub(crate) replaces: Option<String>,
    /// `NOT_REQUESTED`, `IN_REQUEST`, `WAIT_FOR_ACTIVATION`, `VALID_ACTIVE`, `REVOKED`, `EXPIRED`.
    pub(crate) etk_status: String,
    #[serde(skip)]
    pub(crate) etk_challenge_serial: Option<Vec<u8>>,
    #[serde(skip)]
    pub(crate) etk_encryption_key: Option<Vec<u8>>,
    #[serde(skip)]
    pub(crate) etk: Option<Vec<u8>>,
    pub(crate) etk_activated_at: Option<i64>,
}

/// A request as it arrived, and what the mock answered.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Received {
    pub(crate) path: String,
    pub(crate) operation: String,
    pub(crate) envelope: String,
    pub(crate) outcome: String,
}

pub(crate) struct Store(Mutex<Connection>);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS certificates (
  public_key_identifier TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  csr BLOB NOT NULL,
  certificate BLOB,
  etk_challenge_serial BLOB,
  etk_encryption_key BLOB,
  etk BLOB
);
CREATE TABLE IF NOT EXISTS contracts (
  digest TEXT PRIMARY KEY,
  terms TEXT NOT NULL,
  issued_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  path TEXT NOT NULL,
  operation TEXT NOT NULL,
  envelope TEXT NOT NULL,
  outcome TEXT NOT NULL
);
";

type Result<T> = std::result::Result<T, String>;

fn sql(err: rusqlite::Error) -> String {
    format!("state database: {err}")
}

impl Store {
    /// Opens (or creates) the state file; `None` keeps the state in memory.
    pub(crate) fn open(path: Option<&Path>) -> Result<Self> {
        let connection = match path {
            Some(path) => Connection::open(path),
            None => Connection::open_in_memory(),
        }
        .map_err(sql)?;
        // A write-ahead log synced at checkpoints: what a restart of the mock needs (no
        // committed transaction is lost when the process stops), without a disk flush per request.
        if path.is_some() {
            connection
                .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
                .map_err(sql)?;
        }
        connection.execute_batch(SCHEMA).map_err(sql)?;
        Ok(Self(Mutex::new(connection)))
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn save(&self, record: &Record) -> Result<()> {
        let json = serde_json::to_string(record).map_err(|err| err.to_string())?;
        self.connection()
            .execute(
                "INSERT OR REPLACE INTO certificates VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    record.public_key_identifier,
                    json,
                    record.csr,
                    record.certificate,
                    record.etk_challenge_serial,
                    record.etk_encryption_key,
                    record.etk
                ],
            )
            .map_err(sql)?;
        Ok(())
    }

    pub(crate) fn find(&self, public_key_identifier: &str) -> Result<Option<Record>> {
        self.connection()
            .query_row(
                "SELECT record, csr, certificate, etk_challenge_serial, etk_encryption_key, etk
                 FROM certificates WHERE public_key_identifier = ?1",
                [public_key_identifier],
                from_row,
            )
            .optional()
            .map_err(sql)?
            .transpose()
    }

    pub(crate) fn all(&self) -> Result<Vec<Record>> {
        let connection = self.connection();
        let mut statement = connection
            .prepare(
                "SELECT record, csr, certificate, etk_challenge_serial, etk_encryption_key, etk
                 FROM certificates ORDER BY rowid",
            )
            .map_err(sql)?;
        let rows = statement.query_map([], from_row).map_err(sql)?;
        rows.map(|row| row.map_err(sql)?).collect()
    }

    /// Keeps what a contract promised under the digest of the contract as issued.
    pub(crate) fn remember_contract(&self, digest: &str, terms: &str, now: i64) -> Result<()> {
        self.connection()
            .execute(
                "INSERT OR IGNORE INTO contracts VALUES (?1, ?2, ?3)",
                params![digest, terms, now],
            )
            .map_err(sql)?;
        Ok(())
    }

    /// The terms of the contract with this digest, if this service issued it.
    pub(crate) fn contract(&self, digest: &str) -> Result<Option<String>> {
        self.connection()
            .query_row("SELECT terms FROM contracts WHERE digest = ?1", [digest], |row| row.get(0))
            .optional()
            .map_err(sql)
    }

    pub(crate) fn log_request(&self, received: &Received) -> Result<()> {
        self.connection()
            .execute(
                "INSERT INTO requests (path, operation, envelope, outcome) VALUES (?1, ?2, ?3, ?4)",
                params![received.path, received.operation, received.envelope, received.outcome],
            )
            .map_err(sql)?;
        Ok(())
    }

    pub(crate) fn requests(&self) -> Result<Vec<Received>> {
        let connection = self.connection();
        let mut statement = connection
            .prepare("SELECT path, operation, envelope, outcome FROM requests ORDER BY id")
            .map_err(sql)?;
        let rows = statement
            .query_map([], |row| {
                Ok(Received {
                    path: row.get(0)?,
                    operation: row.get(1)?,
                    envelope: row.get(2)?,
                    outcome: row.get(3)?,
                })
            })
            .map_err(sql)?;
        rows.map(|row| row.map_err(sql)).collect()
    }

    /// Forgets everything (between end-to-end tests).
    pub(crate) fn reset(&self) -> Result<()> {
        self.connection()
            .execute_batch("DELETE FROM certificates; DELETE FROM contracts; DELETE FROM requests;")
            .map_err(sql)
    }
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Result<Record>> {
    let json: String = row.get(0)?;
    let mut record: Record = match serde_json::from_str(&json) {
        Ok(record) => record,
        Err(err) => return Ok(Err(format!("state database: a record cannot be read: {err}"))),
    };
    record.csr = row.get(1)?;
    record.certificate = row.get(2)?;
    record.etk_challenge_serial = row.get(3)?;
    record.etk_encryption_key = row.get(4)?;
    record.etk = row.get(5)?;
    Ok(Ok(record))
}
