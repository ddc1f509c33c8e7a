//! Fuzz target: see `harness::Target::Python`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(harness::Target::Python, data));
