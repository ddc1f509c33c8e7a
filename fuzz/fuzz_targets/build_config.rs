//! Fuzz target: see `harness::Target::BuildConfig`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(harness::Target::BuildConfig, data));
