//! Fuzz target: see `harness::Target::Startup`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(harness::Target::Startup, data));
