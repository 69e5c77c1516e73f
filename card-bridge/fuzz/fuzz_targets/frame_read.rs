//! Whatever arrives on stdin: frames are read until the input ends or is refused, never
//! allocating beyond the frame limit and never panicking.
#![no_main]

#[path = "../../src/frame.rs"]
#[allow(dead_code, unreachable_pub)]
mod frame;

use ehcert_shared::bridge::MAX_REQUEST_FRAME;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    while let Ok(Some(body)) = frame::read_frame(&mut input) {
        assert!(body.len() <= MAX_REQUEST_FRAME as usize);
    }
});
