//! In-process timings of the library's parts (criterion): the whole analysis of each shipped project, each
//! output format, and `plan`. Whole-process runs against other tools are in `benches/run.sh`.
//! Run with `cargo bench --bench analysis`.

use std::hint::black_box;
use std::path::PathBuf;

use appservice_preflight::config::Config;
use appservice_preflight::platform::Inputs;
use appservice_preflight::render::{self, Format};
use criterion::{Criterion, criterion_group, criterion_main};

fn projects() -> Vec<(String, PathBuf)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects");
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .expect("fixtures/projects")
        .map(|entry| entry.expect("a project folder").path())
        .filter(|path| path.is_dir())
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                path,
            )
        })
        .collect();
    found.sort();
    found
}

fn analysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    for (name, path) in projects() {
        let config = Config::new(&path);
        group.bench_function(&name, |b| {
            b.iter(|| appservice_preflight::check(black_box(&config)).expect("a readable project"))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("plan");
    for (name, path) in projects() {
        group.bench_function(&name, |b| {
            b.iter(|| {
                let plan = appservice_preflight::plan::plan(black_box(&path), &Inputs::default())
                    .expect("a readable project");
                plan.to_text()
            })
        });
    }
    group.finish();
}

fn rendering(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects/django-broken");
    let report = appservice_preflight::check(&Config::new(&path)).expect("a readable project");
    let mut group = c.benchmark_group("render django-broken");
    for (name, format) in [
        ("text", Format::Text),
        ("concise", Format::Concise),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("github", Format::Github),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut out = Vec::new();
                render::render(black_box(&report), format, false, &mut out)
                    .expect("render to memory");
                out
            })
        });
    }
    group.finish();
}

criterion_group!(benches, analysis, rendering);
criterion_main!(benches);
