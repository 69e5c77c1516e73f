//! Services the pages get from context.

pub mod bridge;
