//! One native-messaging session: the bridge says hello first (web-eid's habit, so the extension
//! can tell "bridge missing" from "bridge slow"), then answers requests one at a time until the
//! browser closes the port.

use std::io::{Read, Write};

use ehcert_shared::{
    bridge::{Failure, FromBridge, Hello, Outcome, Reply, Request},
    ErrorCode,
};

use crate::{
    card::CardService,
    commands,
    error::BridgeError,
    frame,
    log::{self, Log},
};

pub(crate) fn run(
    mut input: impl Read,
    mut output: impl Write,
    card: &mut impl CardService,
    log: &mut Log,
) -> Result<(), BridgeError> {
    let hello = Hello::of_this_build(env!("CARGO_PKG_VERSION"));
    log.line(format_args!(
        "hello: bridge {} protocol {} of {:?}",
        hello.bridge_version, hello.protocol, hello.protocols
    ));
    send(&mut output, &FromBridge::Hello(hello))?;
    loop {
        let body = match frame::read_frame(&mut input) {
            // A sign frame holds the PIN: the frame's bytes are wiped when it is done with.
            Ok(Some(body)) => zeroize::Zeroizing::new(body),
            Ok(None) => return Ok(()),
            Err(err) => {
                // The stream is out of step: say why once, then stop.
                let err = BridgeError::from(err);
                log.line(format_args!("stream broken: {err}"));
                send(&mut output, &FromBridge::Reply(failure(None, &err)))?;
                return Err(err);
            }
        };
        let reply = match serde_json::from_slice::<Request>(&body) {
            Ok(request) => {
                log.line(format_args!("#{} {}", request.id, log::describe(&request.command)));
                let started = std::time::Instant::now();
                let outcome = match commands::dispatch(request.command, card, log) {
                    Ok(outcome) => outcome,
                    Err(err) => failure(Some(request.id), &err).outcome,
                };
                log.line(format_args!(
                    "#{} {}",
                    request.id,
                    log::describe_outcome(&outcome, started.elapsed())
                ));
                Reply { id: Some(request.id), outcome }
            }
            Err(err) => {
                let err = BridgeError::BadRequest(err);
                log.line(format_args!("refused: {err}"));
                failure(salvage_id(&body), &err)
            }
        };
        send(&mut output, &FromBridge::Reply(reply))?;
    }
}

fn send(output: &mut impl Write, message: &FromBridge) -> Result<(), BridgeError> {
    let body = serde_json::to_vec(message).map_err(BridgeError::Encode)?;
    frame::write_frame(output, &body)?;
    Ok(())
}

fn failure(id: Option<u32>, err: &BridgeError) -> Reply {
    Reply {
        id,
        outcome: Outcome::Error(Failure {
            code: ErrorCode::from(err),
            detail: err.to_string(),
            tries_left: err.tries_left(),
        }),
    }
}

/// The id of a request that was refused, when one can be read, so the extension can fail the
/// right pending call instead of waiting for its timeout.
fn salvage_id(body: &[u8]) -> Option<u32> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    u32::try_from(value.get("id")?.as_u64()?).ok()
}

#[cfg(test)]
mod tests {
    use ehcert_shared::{
        bridge::{CardHolder, CardInfo, Reader, Sign},
        PROTOCOL_VERSION,
    };

    use super::*;
    use crate::approval::{tests::card, Approved, SigningCard};

    struct TwoReaders;

    impl CardService for TwoReaders {
        fn list_readers(&mut self) -> Result<Vec<Reader>, BridgeError> {
            Ok(vec![
                Reader { name: "A".into(), card_present: true, pinpad: false },
                Reader { name: "B".into(), card_present: false, pinpad: true },
            ])
        }

        fn read_card(&mut self, _: Option<&str>) -> Result<CardInfo, BridgeError> {
            Err(BridgeError::NoCard)
        }

        /// A card whose PIN is always wrong: the session must carry the tries left.
        fn sign(
            &mut self,
            _: &Sign,
            approve: &mut dyn FnMut(&SigningCard) -> Result<Approved, BridgeError>,
        ) -> Result<Vec<u8>, BridgeError> {
            let approved = approve(&card(ehcert_shared::bridge::CardKeyAlgorithm::Rsa2048))?;
            assert_eq!(approved.digest.len(), 32, "only checked digests reach the card");
            Err(BridgeError::WrongPin { tries_left: 2 })
        }

        fn pin_tries(&mut self, _: Option<&str>) -> Result<u8, BridgeError> {
            Ok(2)
        }

        fn card_holder(&mut self, _: Option<&str>) -> Result<CardHolder, BridgeError> {
            Err(BridgeError::NoCard)
        }
    }

    struct NoPcsc;

    impl CardService for NoPcsc {
        fn list_readers(&mut self) -> Result<Vec<Reader>, BridgeError> {
            Err(BridgeError::PcscUnavailable)
        }

        fn read_card(&mut self, _: Option<&str>) -> Result<CardInfo, BridgeError> {
            Err(BridgeError::PcscUnavailable)
        }

        fn sign(
            &mut self,
            _: &Sign,
            _: &mut dyn FnMut(&SigningCard) -> Result<Approved, BridgeError>,
        ) -> Result<Vec<u8>, BridgeError> {
            Err(BridgeError::PcscUnavailable)
        }

        fn pin_tries(&mut self, _: Option<&str>) -> Result<u8, BridgeError> {
            Err(BridgeError::PcscUnavailable)
        }

        fn card_holder(&mut self, _: Option<&str>) -> Result<CardHolder, BridgeError> {
            Err(BridgeError::PcscUnavailable)
        }
    }

    fn sign_request(challenge: &str, pin: &str) -> Vec<u8> {
        framed(&format!(
            r#"{{"id": 4, "command": {{"type": "sign", "args": {{"reader": null, "key": "authentication",
            "content": {{"type": "card-check", "args": {{"origin": "https://ehcert.be", "challenge": "{challenge}"}}}},
            "pin": {{"type": "digits", "args": "{pin}"}}}}}}}}"#
        ))
    }

    fn code_of(frame: &FromBridge) -> Option<ErrorCode> {
        match frame {
            FromBridge::Reply(Reply { outcome: Outcome::Error(failure), .. }) => Some(failure.code),
            _ => None,
        }
    }

    #[test]
    fn only_checked_content_and_a_well_formed_pin_reach_the_card() {
        let thirty_two = "A".repeat(43) + "=";
        // The old protocol's digest-only request: refused before anything else.
        let digest_only = framed(&format!(
            r#"{{"id": 4, "command": {{"type": "sign", "args": {{"reader": null, "key": "authentication",
            "algorithm": "rsa-pkcs1-sha256", "digest": "{thirty_two}", "pin": {{"type": "none"}}}}}}}}"#
        ));
        let (_, frames) = session(&digest_only, &mut TwoReaders);
        assert_eq!(code_of(&frames[1]), Some(ErrorCode::BadRequest), "{frames:?}");
        let (_, frames) = session(&sign_request(&thirty_two, "12a4"), &mut TwoReaders);
        assert_eq!(code_of(&frames[1]), Some(ErrorCode::BadRequest), "{frames:?}");
        let thirty_one = "A".repeat(42) + "==";
        let (_, frames) = session(&sign_request(&thirty_one, "1234"), &mut TwoReaders);
        assert_eq!(code_of(&frames[1]), Some(ErrorCode::NotSignable), "{frames:?}");
        // Checked content, good PIN: the card is asked, and its wrong-PIN answer travels with
        // the tries left.
        let (_, frames) = session(&sign_request(&thirty_two, "1234"), &mut TwoReaders);
        assert!(matches!(
            &frames[1],
            FromBridge::Reply(Reply {
                id: Some(4),
                outcome: Outcome::Error(Failure {
                    code: ErrorCode::WrongPin,
                    tries_left: Some(2),
                    ..
                })
            })
        ));
    }

    #[test]
    fn no_key_signs_without_a_pin_step() {
        // Nothing sends a signature without a PIN step (`pin: none` was once allowed for the
        // authentication key while its "PIN once" right held): a frame that asks for one is not
        // a request the protocol knows, for either key.
        for key in [
            ehcert_shared::bridge::KeyRole::Authentication,
            ehcert_shared::bridge::KeyRole::Signature,
        ] {
            let request = Request {
                id: 4,
                command: ehcert_shared::bridge::Command::Sign(Sign {
                    reader: None,
                    key,
                    content: crate::approval::tests::card_check_content(),
                    pin: ehcert_shared::bridge::PinEntry::Pinpad,
                }),
            };
            let frame = serde_json::to_string(&request)
                .unwrap()
                .replace(r#""pin":{"type":"pinpad"}"#, r#""pin":{"type":"none"}"#);
            assert!(frame.contains(r#""pin":{"type":"none"}"#), "{frame}");
            let (_, frames) = session(&framed(&frame), &mut TwoReaders);
            assert_eq!(code_of(&frames[1]), Some(ErrorCode::BadRequest), "{frames:?}");
        }
    }

    #[test]
    fn pin_status_answers_with_the_tries_left() {
        let (_, frames) = session(
            &framed(r#"{"id": 11, "command": {"type": "pin-status", "args": {"reader": null}}}"#),
            &mut TwoReaders,
        );
        assert_eq!(
            frames[1],
            FromBridge::Reply(Reply { id: Some(11), outcome: Outcome::PinTries(2) })
        );
    }

    /// A log writer the test can read back.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_log_says_what_was_asked_and_how_it_ended_but_never_the_pin_or_digest() {
        let challenge = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";
        let pin = "802641379";
        let shared = Shared::default();
        let mut input = sign_request(challenge, pin);
        input.extend(framed(r#"{"id": 5, "command": {"type": "list-readers"}}"#));
        input.extend(framed(r#"{"id": 6, "command": {"type": "format-card"}}"#));
        let mut output = Vec::new();
        run(input.as_slice(), &mut output, &mut TwoReaders, &mut Log::to(shared.clone())).unwrap();
        let log = String::from_utf8(shared.0.borrow().clone()).unwrap();
        for expected in [
            "hello: bridge",
            "#4 sign reader=None key=Authentication content=card-check pin=typed",
            "#4 error WrongPin",
            "#5 list-readers",
            "#5 2 reader(s) in ",
            "refused: request frame is not a request",
        ] {
            assert!(log.contains(expected), "{expected:?} missing from:\n{log}");
        }
        assert!(!log.contains(pin) && !log.contains(&challenge[..12]), "{log}");
        assert_eq!(log.lines().count(), 6, "{log}");
    }

    /// The lines a support report gets without any setting: what was asked and how it ended,
    /// in order, and neither the PIN nor a value from a request the bridge could not read (serde
    /// quotes those, and a request carries a national number).
    #[test]
    fn recent_events_are_kept_in_memory_and_handed_over_without_secrets() {
        let challenge = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";
        let pin = "802641379";
        let national_number = "85073003328";
        let mut input = sign_request(challenge, pin);
        input.extend(framed(&format!(
            r#"{{"id": 5, "command": {{"type": "read-card", "args": {{"reader": {national_number}}}}}}}"#
        )));
        input.extend(framed(r#"{"id": 6, "command": {"type": "recent-events"}}"#));
        let (_, frames) = session(&input, &mut TwoReaders);
        let FromBridge::Reply(Reply { id: Some(6), outcome: Outcome::Events(lines) }) = &frames[3]
        else {
            panic!("no events: {frames:?}");
        };
        let expected = [
            "hello: bridge",
            "#4 sign reader=None key=Authentication content=card-check pin=typed",
            "#4 error WrongPin",
            "refused: request frame is not a request (Data problem at line 1, column",
            "#6 recent-events",
        ];
        assert_eq!(lines.len(), expected.len(), "{lines:#?}");
        for (line, expected) in lines.iter().zip(expected) {
            assert!(line.starts_with('+') && line.contains(expected), "{expected:?} in {line:?}");
        }
        let text = lines.join("\n");
        for secret in [pin, national_number, &challenge[..12]] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        // The refusal the extension gets does not quote the value either.
        assert!(!format!("{:?}", frames[2]).contains(national_number), "{:?}", frames[2]);
    }

    #[test]
    fn the_memory_keeps_the_latest_lines_only() {
        let mut log = Log::off();
        for n in 0..log::RECENT_EVENTS + 5 {
            log.line(format_args!("line {n}"));
        }
        let recent = log.recent();
        assert_eq!(recent.len(), log::RECENT_EVENTS);
        assert!(recent[0].ends_with(" line 5"), "{recent:?}");
        assert!(recent.last().unwrap().ends_with(&format!(" line {}", log::RECENT_EVENTS + 4)));
    }

    fn framed(body: &str) -> Vec<u8> {
        frame::framed(body.as_bytes())
    }

    fn frames_of(mut output: &[u8]) -> Vec<FromBridge> {
        let mut messages = Vec::new();
        while !output.is_empty() {
            let length = u32::from_ne_bytes(output[..4].try_into().unwrap()) as usize;
            messages.push(serde_json::from_slice(&output[4..4 + length]).unwrap());
            output = &output[4 + length..];
        }
        messages
    }

    fn session(
        input: &[u8],
        card: &mut impl CardService,
    ) -> (Result<(), BridgeError>, Vec<FromBridge>) {
        let mut output = Vec::new();
        let result = run(input, &mut output, card, &mut Log::off());
        (result, frames_of(&output))
    }

    #[test]
    fn says_hello_first_even_with_no_input() {
        let (result, frames) = session(&[], &mut TwoReaders);
        assert!(result.is_ok());
        assert_eq!(
            frames,
            vec![FromBridge::Hello(Hello {
                bridge_version: env!("CARGO_PKG_VERSION").into(),
                protocol: PROTOCOL_VERSION,
                protocols: vec![PROTOCOL_VERSION],
            })]
        );
    }

    #[test]
    fn answers_requests_in_order_with_their_ids() {
        let mut input = framed(r#"{"id": 3, "command": {"type": "list-readers"}}"#);
        input.extend(framed(r#"{"id": 4, "command": {"type": "list-readers"}}"#));
        let (result, frames) = session(&input, &mut TwoReaders);
        assert!(result.is_ok());
        let ids: Vec<_> = frames[1..]
            .iter()
            .map(|frame| match frame {
                FromBridge::Reply(Reply { id, outcome: Outcome::Readers(readers) }) => {
                    assert_eq!(readers.len(), 2);
                    *id
                }
                other => panic!("unexpected frame {other:?}"),
            })
            .collect();
        assert_eq!(ids, vec![Some(3), Some(4)]);
    }

    #[test]
    fn an_unknown_command_is_a_bad_request_that_keeps_the_session_going() {
        let mut input = framed(r#"{"id": 9, "command": {"type": "format-card"}}"#);
        input.extend(framed(r#"{"id": 10, "command": {"type": "list-readers"}}"#));
        let (result, frames) = session(&input, &mut TwoReaders);
        assert!(result.is_ok());
        match &frames[1] {
            FromBridge::Reply(Reply { id: Some(9), outcome: Outcome::Error(failure) }) => {
                assert_eq!(failure.code, ErrorCode::BadRequest);
            }
            other => panic!("unexpected frame {other:?}"),
        }
        assert!(matches!(
            &frames[2],
            FromBridge::Reply(Reply { id: Some(10), outcome: Outcome::Readers(_) })
        ));
    }

    #[test]
    fn a_broken_frame_is_reported_then_the_session_ends() {
        let mut input = u32::MAX.to_ne_bytes().to_vec();
        input.extend(framed(r#"{"id": 10, "command": {"type": "list-readers"}}"#));
        let (result, frames) = session(&input, &mut TwoReaders);
        assert!(matches!(result, Err(BridgeError::Frame(_))));
        assert_eq!(frames.len(), 2, "hello, the error, and nothing read after it");
        assert!(matches!(
            &frames[1],
            FromBridge::Reply(Reply {
                id: None,
                outcome: Outcome::Error(Failure { code: ErrorCode::BadRequest, .. })
            })
        ));
    }

    #[test]
    fn pcsc_faults_travel_as_their_own_code() {
        let input = framed(r#"{"id": 1, "command": {"type": "list-readers"}}"#);
        let (_, frames) = session(&input, &mut NoPcsc);
        assert!(matches!(
            &frames[1],
            FromBridge::Reply(Reply {
                id: Some(1),
                outcome: Outcome::Error(Failure { code: ErrorCode::PcscUnavailable, .. })
            })
        ));
    }
}
