//! What the bridge adds to a card operation (budget: ≤ 5 ms median per command).
//!
//! Starts pcscd with the simulated eID in its vpcd reader, then times the same operations two
//! ways: the bare APDU exchange through PC/SC (the card's and pcscd's share), and the same
//! request sent as a native-messaging frame to one running `card-bridge` process, reply read
//! back (what the extension waits for). The difference of the medians is the bridge's overhead:
//! framing, JSON, base64, its PC/SC context and reader lookup, and the checks of what the card
//! signs (for a GenerateCertificate: the strict reading of the payload with its contract and CSR,
//! the rebuilt `SignedInfo`, the holder). The raw exchanges send the same APDUs as the bridge,
//! the identity-file read that names the holder included.
//!
//! Prints a table and, on a line starting with `JSON `, the measurements. Needs root (pcscd).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // a benchmark

use std::{
    io::{Read, Write},
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
    time::Instant,
};

use ehcert_certra::signature::SignatureAlgorithm;
use ehcert_eid_sim::{
    pcscd::Pcscd,
    profile::{personalise, Holder},
    vpcd::{InsertedCard, DEFAULT_ADDRESS},
};
use ehcert_shared::bridge::{
    Command as BridgeCommand, KeyRole, PinEntry, Request, Sign, SignedContent,
};
use pcsc::{Context, Disposition, Protocols, Scope, ShareMode};

#[path = "../tests/support/requests.rs"]
mod requests;

const RUNS: usize = 60;

/// DigestInfo for SHA-256, as the bridge prefixes it on applet 1.7 (card-bridge/CARD.md §1.3).
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

fn main() {
    // `cargo bench` passes `--bench`; nothing else is understood.
    let pcscd = Pcscd::start().expect("pcscd");
    let content = personalise(&Holder::default(), 11).unwrap().content;
    let _card = InsertedCard::insert(DEFAULT_ADDRESS, content).unwrap();

    let mut results = Vec::new();
    let raw_check = measure("raw_apdus_sign_authentication", RUNS, || raw_sign(0x82));
    let raw_request = measure("raw_apdus_sign_signature", RUNS, || raw_sign(0x83));
    let raw_list = measure("raw_list_readers", RUNS, raw_list_readers);

    // The checks alone, in process, for the largest request (the figures above are whole
    // commands, whose medians move in the simulator's steps of a few milliseconds).
    let (content, _) = requests::certificate_request(
        &Holder::default().national_number,
        SignatureAlgorithm::RsaSha256,
    );
    let SignedContent::EhealthRequest(checked) = &content else { unreachable!() };
    let checks = measure("checks_certificate_request_in_process", 200, || {
        ehcert_certra::eid_request::check(
            &checked.signed_info,
            &checked.payload,
            ehcert_certra::eid_request::CardKeyType::Rsa,
        )
        .unwrap();
    });

    let mut bridge = Bridge::start();
    let card_check = sign_frame(KeyRole::Authentication, requests::card_check([1; 32]));
    let bridge_check = measure("bridge_sign_card_check", RUNS, || {
        let reply = bridge.ask(&card_check);
        assert!(reply.contains(r#""type":"signature""#), "{reply}");
    });
    let ssin = Holder::default().national_number;
    let certificate_request = sign_frame(
        KeyRole::Signature,
        requests::certificate_request(&ssin, SignatureAlgorithm::RsaSha256).0,
    );
    let bridge_request = measure("bridge_sign_certificate_request", RUNS, || {
        let reply = bridge.ask(&certificate_request);
        assert!(reply.contains(r#""type":"signature""#), "{reply}");
    });
    let bridge_list = measure("bridge_list_readers", RUNS, || {
        let reply = bridge.ask(r#"{"id":2,"command":{"type":"list-readers"}}"#);
        assert!(reply.contains(r#""type":"readers""#), "{reply}");
    });
    drop(bridge);
    drop(pcscd);

    let check_overhead =
        Measurement::overhead("bridge_overhead_sign_card_check", &bridge_check, &raw_check);
    let request_overhead = Measurement::overhead(
        "bridge_overhead_sign_certificate_request",
        &bridge_request,
        &raw_request,
    );
    let list_overhead =
        Measurement::overhead("bridge_overhead_list_readers", &bridge_list, &raw_list);
    results.extend([
        raw_check,
        bridge_check,
        check_overhead,
        raw_request,
        bridge_request,
        request_overhead,
        checks,
        raw_list,
        bridge_list,
        list_overhead,
    ]);

    println!("{:<32} {:>5} {:>12} {:>12}", "measurement", "runs", "median ms", "p90 ms");
    for result in &results {
        println!(
            "{:<32} {:>5} {:>12.2} {:>12.2}",
            result.name, result.runs, result.median, result.p90
        );
    }
    let json: Vec<String> = results
        .iter()
        .map(|r| {
            format!(
                r#"{{"name":"{}","runs":{},"median_ms":{:.3},"p90_ms":{:.3}}}"#,
                r.name, r.runs, r.median, r.p90
            )
        })
        .collect();
    println!("JSON [{}]", json.join(","));
}

/// A `sign` frame for `content`, with the simulated card's PIN.
fn sign_frame(key: KeyRole, content: SignedContent) -> String {
    let request = Request {
        id: 1,
        command: BridgeCommand::Sign(Sign {
            reader: None,
            key,
            content,
            pin: PinEntry::Digits("1234".into()),
        }),
    };
    serde_json::to_string(&request).unwrap()
}

/// The APDUs the bridge sends for a signature with key `key_reference` (82 authentication, 83
/// signature), straight to PC/SC: GET CARD DATA and the identity file (the holder the bridge
/// checks, in the same transaction; READ BINARY answered `6Cxx` and read again with that
/// length), SELECT, MSE:SET, VERIFY, PSO:CDS, GET RESPONSE.
fn raw_sign(key_reference: u8) {
    let context = Context::establish(Scope::User).unwrap();
    let reader = context.list_readers_owned().unwrap().remove(0);
    let mut card = context.connect(&reader, ShareMode::Shared, Protocols::ANY).unwrap();
    {
        let transaction = card.transaction().unwrap();
        let mut buffer = [0u8; pcsc::MAX_BUFFER_SIZE];
        let mut pso = vec![0x00, 0x2A, 0x9E, 0x9A, 51];
        pso.extend_from_slice(&SHA256_DIGEST_INFO);
        pso.extend_from_slice(&[1; 32]);
        for (apdu, expected) in [
            (vec![0x80, 0xE4, 0x00, 0x00, 0x1C], 0x90),
            (vec![0x00, 0xA4, 0x08, 0x0C, 0x06, 0x3F, 0x00, 0xDF, 0x01, 0x40, 0x31], 0x90),
            (vec![0x00, 0xB0, 0x00, 0x00, 0x00], 0x90),
            (vec![0x00, 0xA4, 0x08, 0x0C, 0x04, 0x3F, 0x00, 0xDF, 0x00], 0x90),
            (vec![0x00, 0x22, 0x41, 0xB6, 0x05, 0x04, 0x80, 0x01, 0x84, key_reference], 0x90),
            (
                vec![0x00, 0x20, 0x00, 0x01, 0x08, 0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
                0x90,
            ),
            (pso, 0x61),
            (vec![0x00, 0xC0, 0x00, 0x00, 0x00], 0x90),
        ] {
            let mut answer = transaction.transmit(&apdu, &mut buffer).unwrap().to_vec();
            if answer[answer.len() - 2] == 0x6C {
                // T=0 "wrong length, use Le = SW2", as the bridge does for a short file.
                let mut again = apdu.clone();
                *again.last_mut().unwrap() = answer[answer.len() - 1];
                answer = transaction.transmit(&again, &mut buffer).unwrap().to_vec();
            }
            assert_eq!(answer[answer.len() - 2], expected, "{apdu:02X?} → {answer:02X?}");
        }
    }
    card.disconnect(Disposition::ResetCard).map_err(|(_, err)| err).unwrap();
}

fn raw_list_readers() {
    let context = Context::establish(Scope::User).unwrap();
    let readers = context.list_readers_owned().unwrap();
    assert!(!readers.is_empty());
}

/// One `card-bridge` process kept running, as the browser keeps the port open.
struct Bridge {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
}

impl Bridge {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_card-bridge"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut bridge = Self { child, stdin, stdout };
        assert!(bridge.read().contains("hello"));
        bridge
    }

    fn ask(&mut self, request: &str) -> String {
        self.stdin.write_all(&u32::try_from(request.len()).unwrap().to_ne_bytes()).unwrap();
        self.stdin.write_all(request.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
        self.read()
    }

    fn read(&mut self) -> String {
        let mut length = [0u8; 4];
        self.stdout.read_exact(&mut length).unwrap();
        let mut body = vec![0u8; u32::from_ne_bytes(length) as usize];
        self.stdout.read_exact(&mut body).unwrap();
        String::from_utf8(body).unwrap()
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Measurement {
    name: &'static str,
    runs: usize,
    median: f64,
    p90: f64,
}

impl Measurement {
    /// Median and p90 of the difference: what the bridge adds on top of the raw exchange.
    fn overhead(name: &'static str, through_bridge: &Self, raw: &Self) -> Self {
        Self {
            name,
            runs: through_bridge.runs,
            median: through_bridge.median - raw.median,
            p90: through_bridge.p90 - raw.p90,
        }
    }
}

fn measure(name: &'static str, runs: usize, mut work: impl FnMut()) -> Measurement {
    work(); // warm-up: first connection, page faults
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    Measurement { name, runs, median: times[runs / 2], p90: times[runs * 9 / 10] }
}
