//! Services the pages get from context.

pub mod bridge;
pub mod certra;
pub mod clock;
pub mod files;
pub mod flow;
pub mod install;
pub mod keeping;
pub mod kiosk;
pub mod offer;
pub mod regex;
pub mod webcrypto;
