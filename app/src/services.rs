//! Services the pages get from context.

pub mod bridge;
pub mod certra;
pub mod webcrypto;
