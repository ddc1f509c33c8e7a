//! Fuzz target: see `harness::Target::Requirements`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(harness::Target::Requirements, data));
