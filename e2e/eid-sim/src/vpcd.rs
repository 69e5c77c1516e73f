//! The vpcd protocol (card-bridge/CARD.md §6.1): the simulator is the TCP client of pcscd's vpcd
//! driver. Connecting inserts the card, closing the socket removes it. Each message is a 2-byte
//! big-endian length and a payload: one control byte (`00` power off, `01` power on, `02` reset,
//! `04` ATR request) or a command APDU, answered with the response APDU.

use std::{
    io::{self, Read, Write},
    net::{Shutdown, TcpStream},
    thread::JoinHandle,
    time::{Duration, Instant},
};

use super::card::{Card, CardContent};

/// Where Debian's vpcd listens for its first slot (`/etc/reader.conf.d/vpcd`, 0x8C7B).
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:35963";

/// A card inserted into a vpcd slot from a background thread.
pub struct InsertedCard {
    stream: TcpStream,
    thread: Option<JoinHandle<io::Result<Card>>>,
}

impl InsertedCard {
    /// Connects to vpcd at `address` (retrying while pcscd loads its driver), serves `content`,
    /// and returns once pcscd has powered the card and read its ATR, so that PC/SC clients see it.
    pub fn insert(address: &str, content: CardContent) -> io::Result<Self> {
        Self::insert_with_fault(address, content, Fault::None)
    }

    /// Like [`Self::insert`], with `fault` striking when its command arrives.
    pub fn insert_with_fault(
        address: &str,
        content: CardContent,
        fault: Fault,
    ) -> io::Result<Self> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let stream = loop {
            match TcpStream::connect(address) {
                Ok(stream) => break stream,
                Err(err) if Instant::now() > deadline => return Err(err),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        let served = stream.try_clone()?;
        let (powered_tx, powered_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let mut card = Card::new(content);
            let mut atr_requests_since_power_on: Option<u32> = None;
            serve_until(served, &mut card, fault, |control| match control {
                POWER_ON => atr_requests_since_power_on = Some(0),
                GET_ATR => {
                    if let Some(count) = atr_requests_since_power_on.as_mut() {
                        *count += 1;
                        // The first ATR read completes the power-up; pcscd publishes the reader
                        // state after it, which the next presence poll (400 ms later) follows.
                        if *count == 2 {
                            let _ = powered_tx.send(());
                        }
                    }
                }
                _ => {}
            })?;
            Ok(card)
        });
        let inserted = Self { stream, thread: Some(thread) };
        powered_rx
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| io::Error::other("pcscd did not power the card up within 10 s"))?;
        Ok(inserted)
    }

    /// Pulls the card out (closes the socket) and gives back its final state.
    pub fn remove(mut self) -> io::Result<Card> {
        let _ = self.stream.shutdown(Shutdown::Both);
        self.thread.take().map_or_else(
            || Err(io::Error::other("already removed")),
            |thread| thread.join().map_err(|_| io::Error::other("the card thread panicked"))?,
        )
    }
}

impl Drop for InsertedCard {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

/// What goes wrong, and when: on the first command APDU with the given instruction byte, before
/// the card answers it (card-bridge/CARD.md §10).
#[derive(Debug, Default)]
pub enum Fault {
    /// The card works.
    #[default]
    None,
    /// The card is pulled out (removal mid-APDU).
    PullOutOn(u8),
    /// The card never answers; `reached` is told, so a test can take the reader away meanwhile.
    StallOn(u8, std::sync::mpsc::Sender<()>),
}

/// Control messages from vpcd.
const POWER_OFF: u8 = 0x00;
const POWER_ON: u8 = 0x01;
const RESET: u8 = 0x02;
const GET_ATR: u8 = 0x04;

/// Serves `card` on an established vpcd connection until the connection closes. `on_control`
/// sees every control byte pcscd sends (power on/off, reset, ATR request).
pub fn serve(stream: TcpStream, card: &mut Card, on_control: impl FnMut(u8)) -> io::Result<()> {
    serve_until(stream, card, Fault::None, on_control)
}

fn serve_until(
    mut stream: TcpStream,
    card: &mut Card,
    fault: Fault,
    mut on_control: impl FnMut(u8),
) -> io::Result<()> {
    // Answers go out at once (see `send`).
    stream.set_nodelay(true)?;
    loop {
        let mut length = [0u8; 2];
        match stream.read_exact(&mut length) {
            Ok(()) => {}
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::UnexpectedEof
                        | io::ErrorKind::NotConnected
                        | io::ErrorKind::ConnectionReset
                ) =>
            {
                return Ok(());
            }
            Err(err) => return Err(err),
        }
        let mut message = vec![0u8; usize::from(u16::from_be_bytes(length))];
        match stream.read_exact(&mut message) {
            Ok(()) => {}
            // Pulled out mid-message.
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(err) => return Err(err),
        }
        match message.as_slice() {
            [control @ (POWER_OFF | POWER_ON | RESET)] => {
                card.reset();
                on_control(*control);
            }
            [GET_ATR] => {
                send(&mut stream, card.atr())?;
                on_control(GET_ATR);
            }
            [_] => {}
            apdu => match &fault {
                Fault::PullOutOn(ins) if apdu.get(1) == Some(ins) => {
                    let _ = stream.shutdown(Shutdown::Both);
                    return Ok(());
                }
                Fault::StallOn(ins, reached) if apdu.get(1) == Some(ins) => {
                    let _ = reached.send(());
                    // Wait, unanswered, until the other side goes away.
                    let mut rest = Vec::new();
                    let _ = stream.read_to_end(&mut rest);
                    return Ok(());
                }
                _ => {
                    let response = card.transmit(apdu);
                    send(&mut stream, &response)?;
                }
            },
        }
    }
}

fn send(stream: &mut TcpStream, payload: &[u8]) -> io::Result<()> {
    let length =
        u16::try_from(payload.len()).map_err(|_| io::Error::other("response too long for vpcd"))?;
    // One write per message: two small writes meet Nagle's algorithm and the delayed ACK, and
    // every APDU would wait 40 ms.
    stream.write_all(&[length.to_be_bytes().as_slice(), payload].concat())?;
    stream.flush()
}
