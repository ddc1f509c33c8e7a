//! Helpers for the tests that run the built binary.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_appservice-preflight"))
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

pub fn assert_no_panic(o: &Output) {
    let err = stderr(o);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "the tool panicked:\n{err}"
    );
    assert!(
        o.status.code().is_some(),
        "the tool was killed by a signal: {:?}",
        o.status
    );
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A Django app whose settings module is `settings_py` (bytes), in a temporary folder.
pub fn django_app(settings_py: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("mysite")).unwrap();
    std::fs::write(root.join("requirements.txt"), "Django==5.1.4\n").unwrap();
    std::fs::write(root.join("mysite/__init__.py"), "").unwrap();
    std::fs::write(
        root.join("mysite/wsgi.py"),
        "import os\nfrom django.core.wsgi import get_wsgi_application\n\
         os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\napplication = get_wsgi_application()\n",
    )
    .unwrap();
    std::fs::write(root.join("mysite/settings.py"), settings_py).unwrap();
    dir
}

/// What a run of the binary may cost: the hostile-input suite holds every case to these.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub time: Duration,
    /// Peak resident size, in KiB.
    pub rss_kib: u64,
}

impl Limits {
    /// The bound for one hostile input: 2 s and 300 MB, for the release build. The tests also run
    /// on the unoptimised build, where the same work takes up to 15 times longer: there the time bound is
    /// scaled, and `.ci/run` runs the hostile suite a second time in release, against the real bound.
    pub fn hostile() -> Limits {
        let time = if cfg!(debug_assertions) {
            Duration::from_secs(30)
        } else {
            Duration::from_secs(2)
        };
        Limits {
            time,
            rss_kib: 300 * 1024,
        }
    }
}

/// What [`run_measured`] saw.
#[derive(Debug)]
pub struct Measured {
    pub output: Output,
    pub elapsed: Duration,
    /// Peak resident size of the process, in KiB (from `wait4`'s resource usage).
    pub rss_kib: u64,
}

/// Run the binary with `args`, killing it past `limits.time`, and fail the test if it ran longer or grew
/// larger than `limits` allow. Output is drained while it runs, so a chatty run cannot block on a pipe.
// The child is reaped by `wait4` (which gives its resource usage), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
pub fn run_measured(args: &[&str], limits: Limits) -> Measured {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let mut child = bin()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: `rusage` is plain data that `wait4` fills in; zeroed is a valid value for it.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our child, not yet reaped (std never waits on it: its `Child` is only dropped),
        // and both out-pointers are valid for the call.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break (status, usage);
        }
        assert!(
            reaped == 0,
            "wait4 failed: {}",
            std::io::Error::last_os_error()
        );
        if start.elapsed() > limits.time {
            let _ = child.kill();
            panic!("`{}` still ran after {:?}", args.join(" "), limits.time);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let output = Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    // Linux reports `ru_maxrss` in KiB.
    let rss_kib = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    assert!(
        rss_kib <= limits.rss_kib,
        "`{}` peaked at {} MiB resident, over {} MiB",
        args.join(" "),
        rss_kib / 1024,
        limits.rss_kib / 1024
    );
    Measured {
        output,
        elapsed,
        rss_kib,
    }
}
