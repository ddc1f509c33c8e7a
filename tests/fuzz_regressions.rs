//! Every input kept under `fuzz/regressions/<target>/` (a crash, timeout or out-of-memory the fuzzers found,
//! once fixed) runs through the fuzz harness itself, so it stays fixed on the stable toolchain.

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::Path;

#[test]
fn kept_fuzz_inputs_run_to_the_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut ran = 0;
    for target in harness::Target::ALL {
        // A target with no kept input has no folder (git keeps no empty folders).
        let dir = root.join(target.name());
        if !dir.exists() {
            continue;
        }
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        inputs.sort();
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            // A panic names the input; a hang or a runaway allocation fails the test run.
            eprintln!("{}", input.display());
            harness::run(target, &data);
            ran += 1;
        }
    }
    assert!(ran > 0, "no kept fuzz inputs under {}", root.display());
}
