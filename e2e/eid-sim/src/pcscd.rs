//! Starting and stopping the real `pcscd` for tests and the demo (card-bridge/CARD.md §6.3): one
//! daemon per host, in the foreground, with the vpcd reader from `/etc/reader.conf.d/vpcd`
//! (Debian's vsmartcard-vpcd). Tests in one process take turns through a lock held by the guard.

use std::{
    os::unix::net::UnixStream,
    path::Path,
    process::{Child, Command, Stdio},
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

/// pcscd's socket on Debian.
const SOCKET: &str = "/run/pcscd/pcscd.comm";

static TURN: Mutex<()> = Mutex::new(());

/// A running pcscd, stopped (SIGTERM) when dropped.
pub struct Pcscd {
    child: Child,
    turn: Option<MutexGuard<'static, ()>>,
}

/// pcscd stopped by [`Pcscd::stop`]; no other test may start it again while this lives.
pub struct Stopped {
    _turn: Option<MutexGuard<'static, ()>>,
}

impl Pcscd {
    /// Starts pcscd and waits until it accepts clients. Fails clearly when another pcscd runs
    /// (a system service must be stopped first: `systemctl stop pcscd.socket pcscd.service`).
    pub fn start() -> Result<Self, String> {
        let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if UnixStream::connect(SOCKET).is_ok() {
            return Err(format!("another pcscd already listens on {SOCKET}; stop it first"));
        }
        let child = Command::new("pcscd")
            .arg("--foreground")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| {
                format!("pcscd cannot be started ({err}); install pcscd and vsmartcard-vpcd")
            })?;
        let mut pcscd = Self { child, turn: Some(turn) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !(Path::new(SOCKET).exists() && UnixStream::connect(SOCKET).is_ok()) {
            if let Ok(Some(status)) = pcscd.child.try_wait() {
                return Err(format!("pcscd exited at start ({status})"));
            }
            if Instant::now() > deadline {
                return Err("pcscd did not come up within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(pcscd)
    }

    /// Stops the daemon now (what "the smart-card service is not running" looks like), keeping
    /// the turn so that the stopped state can be tested.
    pub fn stop(mut self) -> Stopped {
        self.terminate();
        Stopped { _turn: self.turn.take() }
    }

    fn terminate(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        self.terminate();
    }
}
