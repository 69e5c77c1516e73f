//! `eid-sim`: a simulated Belgian eID (applet 1.7, or 1.8 with `--applet 1.8`) in pcscd's
//! virtual reader.
//!
//!     eid-sim [--vpcd 127.0.0.1:35963] [--pin 1234] [--seed 1] [--applet 1.7|1.8]
//!             [--no-signature-certificate] [--given-names "Jan Pieter"] [--surname Peeters]
//!
//! Prints `card inserted` once connected; Ctrl-C or closing pcscd removes the card.

use std::{net::TcpStream, process::ExitCode};

use ehcert_eid_sim::{
    card::{Applet, Card},
    profile::{personalise, Holder},
    vpcd,
};

fn main() -> ExitCode {
    let mut address = "127.0.0.1:35963".to_owned();
    let mut holder = Holder::default();
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let parsed = match arg.as_str() {
            "--vpcd" => args.next().map(|value| address = value),
            "--pin" => args.next().map(|value| holder.pin = value),
            "--seed" => args.next().and_then(|value| value.parse().ok()).map(|value| seed = value),
            "--applet" => {
                let applet = match args.next().as_deref() {
                    Some("1.7") => Some(Applet::V17),
                    Some("1.8") => Some(Applet::V18),
                    _ => None,
                };
                applet.map(|applet| holder.applet = applet)
            }
            // Names as a card may carry them, in any script: what the PIN window must show
            // faithfully (and flag when one name mixes alphabets).
            "--given-names" => args.next().map(|value| holder.given_names = value),
            "--surname" => args.next().map(|value| holder.surname = value),
            "--no-signature-certificate" => {
                holder.has_signature_certificate = false;
                Some(())
            }
            _ => None,
        };
        if parsed.is_none() {
            eprintln!(
                "usage: eid-sim [--vpcd HOST:PORT] [--pin DIGITS] [--seed N] [--applet 1.7|1.8] \
                 [--no-signature-certificate] [--given-names NAMES] [--surname NAME]"
            );
            return ExitCode::from(2);
        }
    }
    let personalised = match personalise(&holder, seed) {
        Ok(personalised) => personalised,
        Err(err) => {
            eprintln!("eid-sim: cannot personalise the card: {err}");
            return ExitCode::FAILURE;
        }
    };
    // pcscd may still be loading its vpcd driver when both are started together (the demo).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let connected = loop {
        match TcpStream::connect(&address) {
            Err(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            result => break result,
        }
    };
    let stream = match connected {
        Ok(stream) => stream,
        Err(err) => {
            eprintln!("eid-sim: cannot reach vpcd at {address} ({err}); is pcscd running with the vpcd driver?");
            return ExitCode::FAILURE;
        }
    };
    println!("card inserted");
    let mut card = Card::new(personalised.content);
    match vpcd::serve(stream, &mut card, |_| {}) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("eid-sim: {err}");
            ExitCode::FAILURE
        }
    }
}
