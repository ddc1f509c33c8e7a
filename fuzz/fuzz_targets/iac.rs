//! Fuzz target: see `harness::Target::Iac`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(harness::Target::Iac, data));
