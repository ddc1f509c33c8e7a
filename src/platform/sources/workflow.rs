//! GitHub workflows (`.github/workflows/*.yml`): what a workflow says about how the app reaches App
//! Service.
//!
//! - The `startup-command` input of `azure/webapps-deploy` steps, which the action sets as the site's
//!   startup command when it deploys.
//! - App settings the workflow sets: `az webapp config appsettings set --settings NAME=VALUE` in a `run`
//!   step, and the `app-settings-json` input of `azure/appservice-settings`.
//! - Each deployment of the app's files: `azure/webapps-deploy` with a package (the action sends it to
//!   Kudu's OneDeploy API as a zip: Azure/webapps-deploy `src/DeploymentProvider/Providers/
//!   WebAppDeploymentProvider.ts`), `az webapp deploy` and `az webapp deployment source config-zip`. A
//!   step that deploys container images (`images:`, `configuration-file:`, `sitecontainers-config:`) is
//!   not one.
//! - Whether the deployed package holds a virtual environment `antenv` into which the workflow installed
//!   the app's packages, as Microsoft's "build in Actions" sample does (Azure/actions-workflow-samples
//!   `AppService/Python-GHA-Samples/Python-Local-Built-Deploy-Sample.yml`): created with `python -m venv
//!   antenv`, filled with `pip install -r requirements.txt` while it is active, carried to the deploy
//!   step in the same job, through an artifact or a zip, and not removed or excluded on the way (the
//!   portal's workflow builds one only to test the install and excludes it with `!antenv/`).
//!
//! `${{ env.NAME }}` is replaced with the workflow's, job's or step's `env` value; any other expression
//! makes a value unknown. Every loop is bounded by the size of the file.

use ruff_text_size::{TextRange, TextSize};
use saphyr::MarkedYaml;

use super::values::{ConfigKey, FileValue};
use super::yaml::{self, Doc};
use crate::platform::shell::{self, Word};
use crate::project::{FileId, Span};

/// The name of the virtual environment App Service's start-up activates (Oryx's `antenv`).
const VENV: &str = "antenv";

/// Whether a path (relative to the app root) is a workflow file.
pub(crate) fn is_workflow(rel: &str) -> bool {
    rel.strip_prefix(".github/workflows/").is_some_and(|name| {
        !name.contains('/') && (name.ends_with(".yml") || name.ends_with(".yaml"))
    })
}

/// A workflow step that deploys the app's files to App Service.
#[derive(Debug, Clone)]
pub struct WorkflowDeploy {
    /// The step (its `uses:` value, or the `az` command).
    pub span: Span,
    /// What deploys, for messages: `azure/webapps-deploy`, `az webapp deploy`.
    pub tool: &'static str,
    /// The folder or archive deployed, relative to the workspace (`None`: an expression or a path outside
    /// the checkout).
    pub package: Option<String>,
    /// The package holds `antenv` with the app's packages, installed by the workflow.
    pub venv: Option<ShippedVenv>,
    /// A `manage.py collectstatic` the workflow runs before this step (earlier in the file): the static
    /// files are collected before the deploy (inference: that the deployed folder holds them).
    pub collectstatic: Option<Span>,
    /// The deployed archive was zipped without `requirements.txt` (`zip -r app.zip . -x requirements.txt`).
    pub excludes_requirements: bool,
}

/// A virtual environment `antenv` the workflow builds and deploys with the app.
#[derive(Debug, Clone)]
pub struct ShippedVenv {
    /// The command that creates it.
    pub created: Span,
    /// The command that installs the app's packages into it.
    pub installed: Span,
    /// What that command installs: `requirements.txt`, `.`, `pyproject.toml`.
    pub installs: String,
}

/// A step of a workflow that uses an action: `uses: owner/name@ref`.
#[derive(Debug, Clone)]
pub struct ActionUse {
    /// The `uses:` value.
    pub span: Span,
    /// `owner/name` (or `owner/name/path`), lower case.
    pub action: String,
    /// What follows `@`, as written (`v3`, `v4.1.0`, a commit SHA); empty when there is none.
    pub reference: String,
    /// `actions/setup-python`'s `python-version` input, with its place, when written out.
    pub python_version: Option<(String, Span)>,
    /// The job's `runs-on`, lower case (`ubuntu-latest`); empty when it is an expression.
    pub runs_on: String,
}

#[derive(Debug, Clone)]
struct RawUse {
    range: TextRange,
    action: String,
    reference: String,
    python_version: Option<(String, TextRange)>,
    runs_on: String,
}

/// What one workflow file gives: configuration values, and its deployments (ranges in the file).
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub values: Vec<FileValue>,
    deploys: Vec<RawDeploy>,
    uses: Vec<RawUse>,
    /// Files a `run` step copies or moves to the workspace root (`cp backend/requirements.txt .`): their
    /// names and the commands.
    root_copies: Vec<(String, TextRange)>,
    /// The first `manage.py collectstatic` a run step of the workflow runs.
    collectstatic: Option<TextRange>,
    /// The first step that deploys a container image (`azure/webapps-deploy` with `images:`,
    /// `az webapp config container set`): the site runs a custom container, which Oryx neither builds
    /// nor starts.
    container: Option<TextRange>,
}

impl Found {
    /// The step that deploys a container image, placed in `file`.
    pub fn container(&self, file: FileId) -> Option<Span> {
        self.container.map(|range| Span::new(file, range))
    }

    /// The files a `run` step copies or moves to the workspace root, placed in `file`.
    pub fn root_copies(&self, file: FileId) -> Vec<(String, Span)> {
        self.root_copies
            .iter()
            .map(|(name, range)| (name.clone(), Span::new(file, *range)))
            .collect()
    }

    /// The steps that use an action, placed in `file`.
    pub fn actions(&self, file: FileId) -> Vec<ActionUse> {
        self.uses
            .iter()
            .map(|u| ActionUse {
                span: Span::new(file, u.range),
                action: u.action.clone(),
                reference: u.reference.clone(),
                python_version: u
                    .python_version
                    .as_ref()
                    .map(|(v, r)| (v.clone(), Span::new(file, *r))),
                runs_on: u.runs_on.clone(),
            })
            .collect()
    }

    /// The deployments, placed in `file`.
    pub fn deploys(&self, file: FileId) -> Vec<WorkflowDeploy> {
        let at = |range: TextRange| Span::new(file, range);
        self.deploys
            .iter()
            .map(|d| WorkflowDeploy {
                span: at(d.range),
                tool: d.tool,
                package: d.package.clone(),
                collectstatic: d.collectstatic.map(at),
                excludes_requirements: d.excludes_requirements,
                venv: d.venv.as_ref().and_then(|v| {
                    let (range, what) = v.installed.clone()?;
                    Some(ShippedVenv {
                        created: at(v.created),
                        installed: at(range),
                        installs: what,
                    })
                }),
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
struct RawDeploy {
    range: TextRange,
    tool: &'static str,
    package: Option<String>,
    venv: Option<Venv>,
    collectstatic: Option<TextRange>,
    /// The deployed archive was zipped without `requirements.txt`.
    excludes_requirements: bool,
}

/// A virtual environment in the workspace of a job.
#[derive(Debug, Clone)]
struct Venv {
    /// Its folder, relative to the workspace.
    path: String,
    created: TextRange,
    /// Where the app's packages are installed into it, and what.
    installed: Option<(TextRange, String)>,
}

/// A zip archive, and the virtual environment it holds (if any), its path relative to the archive.
#[derive(Debug, Clone)]
struct Archive {
    name: String,
    venv: Option<Venv>,
    /// `zip -x` leaves `requirements.txt` out (`-x requirements.txt`, `-x '*.txt'`).
    excludes_requirements: bool,
}

/// An uploaded artifact: the virtual environment and archives it holds, relative to its root.
#[derive(Debug, Clone)]
struct Artifact {
    name: String,
    venv: Option<Venv>,
    archives: Vec<Archive>,
}

/// The configuration values and deployments of a workflow, or why it does not parse.
pub(crate) fn read(text: &str) -> Result<Found, String> {
    let doc = match yaml::parse(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => return Ok(Found::default()),
        Err(err) => return Err(err.message),
    };
    let mut reader = Reader {
        doc: &doc,
        text,
        found: Found::default(),
        settings: Vec::new(),
        artifacts: Vec::new(),
    };
    reader.workflow();
    let Reader {
        mut found,
        mut settings,
        ..
    } = reader;
    // The last write of a setting wins, and the first candidate of a name is the one that applies.
    settings.reverse();
    found.values.extend(settings);
    Ok(found)
}

struct Reader<'d, 'a> {
    doc: &'d Doc<'a>,
    text: &'a str,
    found: Found,
    /// App settings, in file order.
    settings: Vec<FileValue>,
    /// Artifacts uploaded by the jobs read so far.
    artifacts: Vec<Artifact>,
}

/// The state of one job's workspace as its steps run.
#[derive(Default)]
struct Job {
    venvs: Vec<Venv>,
    archives: Vec<Archive>,
    /// The runner is not Linux: a virtual environment built there cannot run on App Service.
    not_linux: bool,
}

type Env = Vec<(String, String)>;

impl<'a> Reader<'_, 'a> {
    fn workflow(&mut self) {
        let doc = self.doc;
        let root = &doc.root;
        let env = self.env_of(root, &Vec::new());
        let Some(jobs) = yaml::get(root, "jobs") else {
            return;
        };
        let jobs: Vec<(&str, &MarkedYaml)> = yaml::entries(jobs).collect();
        // Jobs run after the jobs they need: read them in that order (a job whose needs never resolve is
        // read last, in file order).
        let mut done: Vec<&str> = Vec::new();
        for _ in 0..=jobs.len() {
            let before = done.len();
            for (name, job) in &jobs {
                if done.contains(name) {
                    continue;
                }
                let needs = self.strings(yaml::get(job, "needs"));
                if needs
                    .iter()
                    .all(|n| done.contains(&n.as_str()) || !jobs.iter().any(|(j, _)| j == n))
                {
                    self.job(job, &env);
                    done.push(name);
                }
            }
            if done.len() == before {
                break;
            }
        }
        for (name, job) in &jobs {
            if !done.contains(name) {
                self.job(job, &env);
            }
        }
    }

    fn job(&mut self, job: &MarkedYaml, env: &Env) {
        let env = self.env_of(job, env);
        let runs_on = self
            .strings(yaml::get(job, "runs-on"))
            .join(" ")
            .to_ascii_lowercase();
        let mut state = Job {
            not_linux: runs_on.contains("windows") || runs_on.contains("macos"),
            ..Job::default()
        };
        // The folder `run` steps start in: `None` when it cannot be told.
        let doc = self.doc;
        let working_dir = |node: &MarkedYaml, env: &Env| -> Option<Option<String>> {
            let dir = yaml::get(node, "working-directory")?;
            Some(resolved(doc, dir, env).and_then(|d| normalize("", &d)))
        };
        let defaults = |node: &MarkedYaml| {
            yaml::get(node, "defaults")
                .and_then(|d| yaml::get(d, "run"))
                .and_then(|r| working_dir(r, &env))
        };
        let default_dir = defaults(job)
            .or_else(|| defaults(&doc.root))
            .unwrap_or(Some(String::new()));
        let Some(steps) = yaml::get(job, "steps") else {
            return;
        };
        for step in yaml::items(steps) {
            let env = self.env_of(step, &env);
            if let Some(run) = yaml::get(step, "run") {
                let dir = working_dir(step, &env).unwrap_or_else(|| default_dir.clone());
                self.run_step(run, dir, &mut state);
                continue;
            }
            let Some(uses) = yaml::get(step, "uses").and_then(|u| self.doc.scalar(u)) else {
                continue;
            };
            let action = uses.value.to_ascii_lowercase();
            let (action, reference) = match uses.value.split_once('@') {
                Some((_, reference)) => (
                    action.split('@').next().unwrap_or_default(),
                    reference.trim().to_owned(),
                ),
                None => (action.as_str(), String::new()),
            };
            let with = yaml::get(step, "with");
            let input = |name: &str| with.and_then(|w| yaml::get(w, name));
            if self.found.uses.len() < 1024 {
                let python_version = (action == "actions/setup-python")
                    .then(|| input("python-version").and_then(|v| self.doc.scalar(v)))
                    .flatten()
                    .map(|v| (v.value.clone(), v.range));
                self.found.uses.push(RawUse {
                    range: uses.range,
                    action: action.to_owned(),
                    reference,
                    python_version,
                    runs_on: runs_on.clone(),
                });
            }
            match action {
                "azure/webapps-deploy" => self.deploy_action(uses.range, with, &env, &state),
                "azure/appservice-settings" => {
                    if let Some(json) = input("app-settings-json") {
                        self.settings_json(json, &env);
                    }
                }
                "actions/upload-artifact" => {
                    let name = input("name")
                        .and_then(|n| self.resolved(n, &env))
                        .unwrap_or_else(|| "artifact".to_owned());
                    let paths = input("path")
                        .and_then(|p| self.resolved(p, &env))
                        .unwrap_or_default();
                    self.artifacts.push(upload(&state, name, &paths));
                }
                "actions/download-artifact" => {
                    let name = input("name").and_then(|n| self.resolved(n, &env));
                    let into = match input("path").map(|p| self.resolved(p, &env)) {
                        None => Some(String::new()),
                        Some(path) => path.as_deref().and_then(|p| normalize("", p)),
                    };
                    let Some(into) = into else { continue };
                    for artifact in self
                        .artifacts
                        .iter()
                        .filter(|a| name.as_ref().is_none_or(|n| *n == a.name))
                    {
                        if let Some(venv) = &artifact.venv {
                            state.venvs.push(Venv {
                                path: join(&into, &venv.path),
                                ..venv.clone()
                            });
                        }
                        for archive in &artifact.archives {
                            state.archives.push(Archive {
                                name: join(&into, &archive.name),
                                venv: archive.venv.clone(),
                                excludes_requirements: archive.excludes_requirements,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// `azure/webapps-deploy`: its startup command, and the deployment unless it deploys images.
    fn deploy_action(
        &mut self,
        range: TextRange,
        with: Option<&MarkedYaml>,
        env: &Env,
        state: &Job,
    ) {
        let input = |name: &str| with.and_then(|w| yaml::get(w, name));
        // An empty input leaves the site's startup command as it is.
        if let Some(command) = input("startup-command").and_then(|c| self.doc.scalar(c))
            && let Some(value) = substitute(&command.value, env)
            && !value.trim().is_empty()
        {
            let exact = command.exact && value == command.value;
            self.found.values.push(FileValue {
                key: ConfigKey::StartupCommand,
                value,
                range: command.range,
                exact,
            });
        }
        if ["images", "configuration-file", "sitecontainers-config"]
            .iter()
            .any(|i| input(i).is_some())
        {
            self.found.container.get_or_insert(range);
            return;
        }
        let package = match input("package") {
            None => Some(String::new()),
            Some(p) => self
                .resolved(p, env)
                .as_deref()
                .and_then(|p| normalize("", p)),
        };
        let venv = package.as_deref().and_then(|p| shipped(state, p));
        let excludes_requirements = package
            .as_deref()
            .is_some_and(|p| archive_excludes_requirements(state, p));
        self.found.deploys.push(RawDeploy {
            range,
            tool: "azure/webapps-deploy",
            package,
            venv,
            collectstatic: self.found.collectstatic,
            excludes_requirements,
        });
    }

    /// `app-settings-json` of `azure/appservice-settings`: `[{"name": ..., "value": ...}, ...]`.
    fn settings_json(&mut self, node: &MarkedYaml, env: &Env) {
        let Some(json) = self.doc.scalar(node) else {
            return;
        };
        let Ok(serde_json::Value::Array(items)) = serde_json::from_str(&json.value) else {
            return;
        };
        for item in items.iter().take(1000) {
            let (Some(name), Some(value)) =
                (item.get("name").and_then(|n| n.as_str()), item.get("value"))
            else {
                continue;
            };
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => continue,
            };
            let Some(value) = substitute(&value, env) else {
                continue;
            };
            self.settings.push(FileValue {
                key: ConfigKey::AppSetting(name.to_owned()),
                value,
                range: json.range,
                exact: false,
            });
        }
    }

    /// A `run` step: the commands of its script, in order, with `cd` followed.
    fn run_step(&mut self, run: &MarkedYaml, dir: Option<String>, state: &mut Job) {
        let Some(script) = self.doc.scalar(run) else {
            return;
        };
        let lines = LineMap::new(self.text, script.range, &script.value);
        // A backslash at the end of a line continues the command (same length, so ranges still hold).
        let joined = script.value.replace("\\\n", "  ").replace("\\\r\n", "   ");
        let mut cwd = dir;
        // The virtual environment `source .../bin/activate` activated in this step (each step is a new
        // shell).
        let mut active: Option<String> = None;
        for (_, words) in shell::text_commands(&joined) {
            let words: Vec<&Word> = words
                .iter()
                .skip_while(|w| is_assignment(&w.text))
                .collect();
            let Some(first) = words.first() else {
                continue;
            };
            let at = lines.to_file(first.range, words.last().map_or(first.range, |w| w.range));
            let args: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            let Some(cwd_now) = cwd.clone() else {
                // Somewhere the reader cannot follow: only settings are still read.
                self.az_settings(&words, &lines);
                continue;
            };
            match args[0] {
                "cd" => {
                    cwd = args.get(1).and_then(|d| normalize(&cwd_now, d));
                }
                "source" | "." => {
                    if let Some(dir) = args
                        .get(1)
                        .and_then(|a| a.strip_suffix("/bin/activate"))
                        .and_then(|d| normalize(&cwd_now, d))
                    {
                        active = Some(dir);
                    }
                }
                "rm" => {
                    let gone: Vec<String> = args[1..]
                        .iter()
                        .filter(|a| !a.starts_with('-'))
                        .filter_map(|a| normalize(&cwd_now, a.trim_end_matches('/')))
                        .collect();
                    state
                        .venvs
                        .retain(|v| !gone.iter().any(|g| within(&v.path, g)));
                }
                "cp" | "mv" => {
                    // `cp backend/requirements.txt .`: a file that ends up at the workspace root.
                    let operands: Vec<&str> = args[1..]
                        .iter()
                        .copied()
                        .filter(|a| !a.starts_with('-'))
                        .collect();
                    if let Some((dest, sources)) = operands.split_last()
                        && normalize(&cwd_now, dest).is_some_and(|d| d.is_empty())
                        && self.found.root_copies.len() < 64
                    {
                        for source in sources {
                            let name = source.rsplit('/').next().unwrap_or(source);
                            if !name.is_empty() && normalize(&cwd_now, source).is_some() {
                                self.found.root_copies.push((name.to_owned(), at));
                            }
                        }
                    }
                }
                "zip" => {
                    if let Some(bundle) = zip_archive(&args, &cwd_now, state) {
                        state.archives.retain(|a| a.name != bundle.name);
                        state.archives.push(bundle);
                    }
                }
                "unzip" => {
                    let archive = args[1..]
                        .iter()
                        .find(|a| !a.starts_with('-'))
                        .and_then(|a| normalize(&cwd_now, a));
                    if let Some(venv) = archive.and_then(|a| {
                        state
                            .archives
                            .iter()
                            .find(|b| b.name == a)
                            .and_then(|b| b.venv.clone())
                    }) {
                        state.venvs.push(Venv {
                            path: join(&cwd_now, &venv.path),
                            ..venv
                        });
                    }
                }
                "az" if args.starts_with(&["az", "webapp", "config", "container", "set"]) => {
                    self.found.container.get_or_insert(at);
                }
                "az" => {
                    self.az_settings(&words, &lines);
                    if let Some(mut deploy) = az_deploy(&args, &cwd_now, at, state) {
                        deploy.collectstatic = self.found.collectstatic;
                        self.found.deploys.push(deploy);
                    }
                }
                _ if args.iter().any(|a| a.ends_with("manage.py"))
                    && args.contains(&"collectstatic") =>
                {
                    self.found.collectstatic.get_or_insert(at);
                }
                _ => {
                    if let Some(dir) = venv_created(&args)
                        .and_then(|d| normalize(&cwd_now, d))
                        .filter(|d| !state.not_linux && last(d) == VENV)
                    {
                        state.venvs.retain(|v| v.path != dir);
                        state.venvs.push(Venv {
                            path: dir,
                            created: at,
                            installed: None,
                        });
                    } else if let Some((target, what)) = install(&args, &cwd_now, &active)
                        && let Some(venv) = state.venvs.iter_mut().find(|v| v.path == target)
                    {
                        venv.installed = Some((at, what));
                    }
                }
            }
        }
    }

    /// `az webapp config appsettings set ... --settings NAME=VALUE ...`.
    fn az_settings(&mut self, words: &[&Word], lines: &LineMap) {
        let args: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        // `az webapp config set --startup-file "<command>"`: the site's startup command.
        if args.starts_with(&["az", "webapp", "config", "set"]) {
            for (i, arg) in args.iter().enumerate().skip(4) {
                let (value, word) = match arg.split_once('=') {
                    Some(("--startup-file", v)) => (v.to_owned(), words[i]),
                    None if *arg == "--startup-file" => match words.get(i + 1) {
                        Some(next) => (next.text.clone(), *next),
                        None => continue,
                    },
                    _ => continue,
                };
                if value.trim().is_empty() || value.contains('$') || value.contains('`') {
                    continue;
                }
                let range = lines.to_file(word.range, word.range);
                self.settings.push(FileValue {
                    key: ConfigKey::StartupCommand,
                    value,
                    range,
                    exact: false,
                });
            }
            return;
        }
        if !args.starts_with(&["az", "webapp", "config", "appsettings", "set"]) {
            return;
        }
        let mut in_settings = false;
        for (i, arg) in args.iter().enumerate().skip(5) {
            if arg.starts_with('-') {
                in_settings = matches!(*arg, "--settings" | "--slot-settings");
                continue;
            }
            let Some((name, value)) = arg.split_once('=').filter(|_| in_settings) else {
                continue;
            };
            if name.is_empty() || value.contains('$') || value.contains('`') {
                continue;
            }
            let word = words[i];
            let whole = lines.to_file(word.range, word.range);
            let written = &self.text[whole];
            // Unquoted `NAME=VALUE` as written: point at the value itself.
            let (range, exact) = if written == *arg {
                let start = whole.start() + TextSize::of(name) + TextSize::new(1);
                (TextRange::new(start, whole.end()), true)
            } else {
                (whole, false)
            };
            self.settings.push(FileValue {
                key: ConfigKey::AppSetting(name.to_owned()),
                value: value.to_owned(),
                range,
                exact,
            });
        }
    }

    /// The `env` of a workflow, job or step, over the enclosing one (literal values only).
    fn env_of(&self, node: &MarkedYaml, outer: &Env) -> Env {
        let mut env = outer.clone();
        if let Some(map) = yaml::get(node, "env") {
            for (name, value) in yaml::entries(map) {
                let value = self
                    .doc
                    .scalar(value)
                    .and_then(|v| substitute(&v.value, outer));
                env.retain(|(n, _)| n != name);
                if let Some(value) = value {
                    env.push((name.to_owned(), value));
                }
            }
        }
        env
    }

    fn resolved(&self, node: &MarkedYaml, env: &Env) -> Option<String> {
        resolved(self.doc, node, env)
    }

    /// A scalar or a sequence of scalars, as strings.
    fn strings(&self, node: Option<&MarkedYaml>) -> Vec<String> {
        let Some(node) = node else {
            return Vec::new();
        };
        match self.doc.scalar(node) {
            Some(s) => vec![s.value],
            None => yaml::items(node)
                .filter_map(|i| self.doc.scalar(i).map(|s| s.value))
                .collect(),
        }
    }
}

/// Where the lines of a `run` script are in the file: a literal block scalar (`|`) keeps its lines, less
/// their indentation; a one-line scalar written as is maps directly; anything else maps to the scalar's
/// start.
struct LineMap {
    /// The file offset of each line of the script (`None`: not mappable).
    starts: Vec<Option<usize>>,
    /// The offset of each line in the script.
    value_starts: Vec<usize>,
    fallback: TextRange,
}

impl LineMap {
    fn new(text: &str, node: TextRange, value: &str) -> LineMap {
        let start = node.start().to_usize();
        let fallback = TextRange::at(node.start(), TextSize::new(0));
        let mut value_starts = vec![0];
        value_starts.extend(value.match_indices('\n').map(|(i, _)| i + 1));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = start - line_start;
        let block = text[line_start..start].trim().is_empty();
        let mut starts = Vec::with_capacity(value_starts.len());
        let mut file_line = line_start;
        for (i, &vs) in value_starts.iter().enumerate() {
            let line = value[vs..].split('\n').next().unwrap_or_default();
            let mapped = if i == 0 {
                Some(start)
            } else if block {
                file_line = text[file_line..]
                    .find('\n')
                    .map_or(text.len(), |n| file_line + n + 1);
                Some((file_line + indent).min(text.len()))
            } else {
                None
            };
            let ok = mapped.filter(|&m| text.get(m..m + line.len()) == Some(line));
            starts.push(ok);
        }
        LineMap {
            starts,
            value_starts,
            fallback,
        }
    }

    /// The file range from the start of `first` to the end of `last` (script ranges), when both map.
    fn to_file(&self, first: TextRange, last: TextRange) -> TextRange {
        let map = |offset: TextSize| -> Option<TextSize> {
            let o = offset.to_usize();
            let line = self
                .value_starts
                .partition_point(|&s| s <= o)
                .checked_sub(1)?;
            let file = (*self.starts.get(line)?)? + (o - self.value_starts[line]);
            TextSize::try_from(file).ok()
        };
        match (map(first.start()), map(last.end())) {
            (Some(s), Some(e)) if e >= s => TextRange::new(s, e),
            (Some(s), _) => TextRange::at(s, TextSize::new(0)),
            _ => self.fallback,
        }
    }
}

/// A scalar with `${{ env.NAME }}` replaced (`None` when another expression remains).
fn resolved(doc: &Doc, node: &MarkedYaml, env: &Env) -> Option<String> {
    substitute(&doc.scalar(node)?.value, env)
}

/// `${{ env.NAME }}` replaced from `env`; `None` when another expression (or an unknown name) remains.
fn substitute(value: &str, env: &Env) -> Option<String> {
    let mut out = String::new();
    let mut rest = value;
    for _ in 0..=value.len() {
        let Some(open) = rest.find("${{") else {
            out.push_str(rest);
            return Some(out);
        };
        out.push_str(&rest[..open]);
        let after = &rest[open + 3..];
        let close = after.find("}}")?;
        let name = after[..close].trim().strip_prefix("env.")?;
        let (_, v) = env.iter().find(|(n, _)| n == name)?;
        out.push_str(v);
        rest = &after[close + 2..];
    }
    None
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(n, _)| {
        !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// `dir` (relative to `cwd`, both relative to the workspace) as a clean relative path ("" for the
/// workspace); `None` for a path outside it or one with a variable the reader does not know.
fn normalize(cwd: &str, dir: &str) -> Option<String> {
    let dir = dir
        .strip_prefix("$GITHUB_WORKSPACE")
        .or_else(|| dir.strip_prefix("${GITHUB_WORKSPACE}"))
        .or_else(|| dir.strip_prefix("${{ github.workspace }}"))
        .map(|rest| format!(".{rest}"))
        .unwrap_or_else(|| dir.to_owned());
    if dir.starts_with('/') || dir.starts_with('~') || dir.contains('$') {
        return None;
    }
    crate::platform::shell::clean_join(cwd, &dir)
}

fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_owned(),
        (_, true) => base.to_owned(),
        _ => format!("{base}/{rel}"),
    }
}

fn last(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `path` is `dir` or inside it.
fn within(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || path.starts_with(&format!("{dir}/"))
}

/// The folder a command creates a virtual environment in: `python -m venv DIR`, `python -m virtualenv
/// DIR`, `virtualenv DIR`, `uv venv [DIR]`.
fn venv_created<'w>(args: &[&'w str]) -> Option<&'w str> {
    let rest: &[&str] = if is_python(args[0]) && args.get(1) == Some(&"-m") {
        match args.get(2) {
            Some(&"venv" | &"virtualenv") => &args[3..],
            _ => return None,
        }
    } else if args[0] == "virtualenv" {
        &args[1..]
    } else if args[0] == "uv" && args.get(1) == Some(&"venv") {
        let dir = args[2..].iter().find(|a| !a.starts_with('-'));
        return Some(dir.copied().unwrap_or(".venv"));
    } else {
        return None;
    };
    rest.iter().find(|a| !a.starts_with('-')).copied()
}

fn is_python(program: &str) -> bool {
    let name = last(program);
    name == "python"
        || name == "python3"
        || name
            .strip_prefix("python3.")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit()))
}

/// An install of the app's packages, and into which virtual environment: `pip install -r FILE`, `pip
/// install .` (with the environment active, or its own `bin/pip` or `bin/python -m pip`), `uv pip install`,
/// `poetry install` and `uv sync --active` with the environment active. Installs of named packages only
/// (`pip install --upgrade pip`) are not the app's.
fn install(args: &[&str], cwd: &str, active: &Option<String>) -> Option<(String, String)> {
    let program = args[0];
    // The environment a program path names: `antenv/bin/pip` is antenv's.
    let own = program
        .rsplit_once("/bin/")
        .and_then(|(dir, _)| normalize(cwd, dir));
    let (target, rest): (Option<String>, &[&str]) =
        if last(program).starts_with("pip") && args.get(1) == Some(&"install") {
            (own.or_else(|| active.clone()), &args[2..])
        } else if is_python(program) && args[1..].starts_with(&["-m", "pip", "install"]) {
            (own.or_else(|| active.clone()), &args[4..])
        } else if program == "uv" && args[1..].starts_with(&["pip", "install"]) {
            let python = args
                .iter()
                .position(|a| *a == "--python" || *a == "-p")
                .and_then(|i| args.get(i + 1))
                .and_then(|p| normalize(cwd, p.trim_end_matches("/bin/python")));
            (python.or_else(|| active.clone()), &args[3..])
        } else if program == "poetry" && args.get(1) == Some(&"install") {
            return active.clone().map(|a| (a, "pyproject.toml".to_owned()));
        } else if program == "uv" && args.get(1) == Some(&"sync") && args.contains(&"--active") {
            return active.clone().map(|a| (a, "pyproject.toml".to_owned()));
        } else {
            return None;
        };
    let target = target?;
    let mut what: Option<String> = None;
    let mut i = 0;
    while i < rest.len() {
        let arg = rest[i];
        if arg == "-r" || arg == "--requirement" {
            what = rest.get(i + 1).map(|f| (*f).to_owned());
            i += 1;
        } else if let Some(f) = arg
            .strip_prefix("--requirement=")
            .or(arg.strip_prefix("-r"))
            && !f.is_empty()
        {
            what = Some(f.to_owned());
        } else if arg == "." || arg == "./" {
            what = Some(".".to_owned());
        }
        i += 1;
    }
    what.map(|w| (target, w))
}

/// The virtual environment `antenv` that the package folder `package` holds at a deploy step.
fn shipped(state: &Job, package: &str) -> Option<Venv> {
    if package.ends_with(".zip") {
        return state
            .archives
            .iter()
            .find(|a| a.name == package)
            .and_then(|a| a.venv.clone())
            .filter(|v| v.installed.is_some() && v.path == VENV);
    }
    state
        .venvs
        .iter()
        .rev()
        .find(|v| v.installed.is_some() && v.path == join(package, VENV))
        .cloned()
}

/// What an upload's `path` lines carry: the virtual environment (a line covering it and none excluding it)
/// and the archives they name, relative to the artifact's root (the first line's folder).
fn upload(state: &Job, name: String, paths: &str) -> Artifact {
    let lines: Vec<&str> = paths
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let excluded = |path: &str| {
        lines.iter().filter_map(|l| l.strip_prefix('!')).any(|l| {
            let l = l
                .trim_end_matches("/**")
                .trim_end_matches("/*")
                .trim_end_matches('/');
            normalize("", l).is_some_and(|l| within(path, &l))
        })
    };
    let mut artifact = Artifact {
        name,
        venv: None,
        archives: Vec::new(),
    };
    for line in lines.iter().filter(|l| !l.starts_with('!')) {
        let Some(base) = normalize("", line.trim_end_matches('/')) else {
            continue;
        };
        if let Some(archive) = state.archives.iter().find(|a| a.name == base) {
            artifact.archives.push(Archive {
                name: last(&archive.name).to_owned(),
                venv: archive.venv.clone(),
                excludes_requirements: archive.excludes_requirements,
            });
            continue;
        }
        if artifact.venv.is_none()
            && let Some(venv) = state
                .venvs
                .iter()
                .find(|v| within(&v.path, &base) && !excluded(&v.path))
        {
            artifact.venv = Some(Venv {
                path: relative_to(&venv.path, &base),
                ..venv.clone()
            });
        }
    }
    artifact
}

/// `path` (inside `dir`) relative to `dir`.
fn relative_to(path: &str, dir: &str) -> String {
    if dir.is_empty() {
        return path.to_owned();
    }
    path.strip_prefix(dir)
        .map(|p| p.trim_start_matches('/').to_owned())
        .unwrap_or_else(|| path.to_owned())
}

/// `zip [options] ARCHIVE INPUTS... [-x PATTERNS...]`: the archive and the virtual environment it holds
/// (an input covering it, no exclusion matching it). Its path becomes relative to the archive's root.
fn zip_archive(args: &[&str], cwd: &str, state: &Job) -> Option<Archive> {
    let mut positional: Vec<&str> = Vec::new();
    let mut excludes: Vec<&str> = Vec::new();
    let mut in_exclude = false;
    for arg in &args[1..] {
        if *arg == "-x" || *arg == "--exclude" {
            in_exclude = true;
        } else if arg.starts_with('-') {
            in_exclude = false;
        } else if in_exclude {
            excludes.push(arg);
        } else {
            positional.push(arg);
        }
    }
    let (archive, inputs) = positional.split_first()?;
    let mut name = normalize(cwd, archive)?;
    if !last(&name).contains('.') {
        name.push_str(".zip");
    }
    let venv = state.venvs.iter().find_map(|v| {
        if !within(&v.path, cwd) {
            return None;
        }
        let rel = relative_to(&v.path, cwd);
        let rel = rel.as_str();
        let covered = inputs.iter().any(|i| {
            let i = i
                .trim_start_matches("./")
                .trim_end_matches("/*")
                .trim_end_matches('/');
            matches!(i, "" | "." | "*") || within(rel, i)
        });
        let excluded = excludes.iter().any(|x| {
            let x = x.trim_start_matches("./").trim_start_matches('*');
            x.starts_with(VENV) || x.starts_with(&format!("/{VENV}"))
        });
        (covered && !excluded).then(|| Venv {
            path: rel.to_owned(),
            ..v.clone()
        })
    });
    let excludes_requirements = excludes.iter().any(|x| {
        let x = x.trim_matches(['\'', '"']).trim_start_matches("./");
        matches!(
            x,
            "requirements.txt" | "*.txt" | "requirements*" | "*requirements*" | "*requirements.txt"
        )
    });
    Some(Archive {
        name,
        venv,
        excludes_requirements,
    })
}

/// `az webapp deploy --src-path X` or `az webapp deployment source config-zip --src X`.
fn az_deploy(args: &[&str], cwd: &str, at: TextRange, state: &Job) -> Option<RawDeploy> {
    let (tool, option) = if args.starts_with(&["az", "webapp", "deploy"]) {
        ("az webapp deploy", "--src-path")
    } else if args.starts_with(&["az", "webapp", "deployment", "source", "config-zip"]) {
        ("az webapp deployment source config-zip", "--src")
    } else {
        return None;
    };
    let kind = args
        .iter()
        .position(|a| *a == "--type")
        .and_then(|i| args.get(i + 1));
    if kind.is_some_and(|k| !k.eq_ignore_ascii_case("zip")) {
        return None;
    }
    let package = args
        .iter()
        .position(|a| *a == option)
        .and_then(|i| args.get(i + 1))
        .and_then(|p| normalize(cwd, p));
    let venv = package.as_deref().and_then(|p| shipped(state, p));
    let excludes_requirements = package
        .as_deref()
        .is_some_and(|p| archive_excludes_requirements(state, p));
    Some(RawDeploy {
        range: at,
        tool,
        package,
        venv,
        collectstatic: None,
        excludes_requirements,
    })
}

/// Whether the archive deployed as `package` was zipped without `requirements.txt`.
fn archive_excludes_requirements(state: &Job, package: &str) -> bool {
    state
        .archives
        .iter()
        .any(|a| a.name == package && a.excludes_requirements)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The deployments of a workflow: (package, whether it ships an installed `antenv`).
    fn deploys(text: &str) -> Vec<(Option<String>, bool)> {
        read(text)
            .unwrap()
            .deploys
            .iter()
            .map(|d| (d.package.clone(), d.venv.is_some()))
            .collect()
    }

    fn settings(text: &str) -> Vec<(String, String, String, bool)> {
        read(text)
            .unwrap()
            .values
            .iter()
            .filter_map(|v| match &v.key {
                ConfigKey::AppSetting(name) => Some((
                    name.clone(),
                    v.value.clone(),
                    text[v.range].to_owned(),
                    v.exact,
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn startup_commands_of_deploy_steps() {
        let text = r#"
name: deploy
on: [push]
env:
  START: 'gunicorn --bind=0.0.0.0 app:app'
  EMPTY: ''
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
  deploy:
    runs-on: ubuntu-latest
    steps:
      - name: Deploy
        uses: Azure/webapps-deploy@v3
        with:
          app-name: my-app
          startup-command: 'gunicorn --chdir /home/site/wwwroot app:app'
      - uses: azure/webapps-deploy@v2
        with:
          startup-command: ${{ vars.STARTUP }}
      - uses: azure/webapps-deploy@v3
        with:
          startup-command: ${{ env.START }}
      - uses: azure/webapps-deploy@v3
        with:
          startup-command: ${{ env.EMPTY }}
"#;
        let found = read(text).unwrap().values;
        let commands: Vec<(&str, bool)> =
            found.iter().map(|v| (v.value.as_str(), v.exact)).collect();
        assert_eq!(
            commands,
            [
                ("gunicorn --chdir /home/site/wwwroot app:app", true),
                ("gunicorn --bind=0.0.0.0 app:app", false)
            ]
        );
        assert_eq!(&text[found[0].range], found[0].value);
    }

    #[test]
    fn paths_and_errors() {
        assert!(is_workflow(".github/workflows/main.yml"));
        assert!(is_workflow(".github/workflows/a.yaml"));
        assert!(!is_workflow(".github/workflows/sub/a.yml"));
        assert!(!is_workflow("workflows/a.yml"));
        assert!(read("jobs: [").is_err());
        assert!(read("").unwrap().values.is_empty());
    }

    const BUILD_IN_ACTIONS: &str = r#"
env:
  APP_DIR: '.'
jobs:
  ship:
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: '3.12'
      - name: Packages into antenv
        run: |
          python3 -m venv --copies antenv
          source antenv/bin/activate
          python -m pip install --upgrade pip
          python -m pip install -r requirements.txt
      - uses: azure/webapps-deploy@v3
        with:
          app-name: shop
          package: ${{ env.APP_DIR }}
"#;

    #[test]
    fn a_job_that_installs_into_antenv_and_deploys_the_folder_ships_it() {
        assert_eq!(deploys(BUILD_IN_ACTIONS), [(Some(String::new()), true)]);
        let found = read(BUILD_IN_ACTIONS).unwrap();
        let venv = found.deploys[0].venv.as_ref().unwrap();
        assert_eq!(
            &BUILD_IN_ACTIONS[venv.created],
            "python3 -m venv --copies antenv"
        );
        assert_eq!(
            &BUILD_IN_ACTIONS[venv.installed.as_ref().unwrap().0],
            "python -m pip install -r requirements.txt"
        );
        assert_eq!(venv.installed.as_ref().unwrap().1, "requirements.txt");
        assert_eq!(
            &BUILD_IN_ACTIONS[found.deploys[0].range],
            "azure/webapps-deploy@v3"
        );
    }

    #[test]
    fn an_antenv_removed_excluded_or_not_filled_is_not_shipped() {
        let removed = BUILD_IN_ACTIONS.replace(
            "      - uses: azure/webapps-deploy@v3",
            "      - run: rm -rf antenv/\n      - uses: azure/webapps-deploy@v3",
        );
        assert_eq!(deploys(&removed), [(Some(String::new()), false)]);
        // Activated in one step, installed in another: the second shell has no venv active.
        let split = BUILD_IN_ACTIONS.replace(
            "          python -m pip install -r requirements.txt\n",
            "      - run: pip install -r requirements.txt\n",
        );
        assert_eq!(deploys(&split), [(Some(String::new()), false)]);
        // Only pip itself was upgraded.
        let nothing =
            BUILD_IN_ACTIONS.replace("          python -m pip install -r requirements.txt\n", "");
        assert_eq!(deploys(&nothing), [(Some(String::new()), false)]);
        // Another folder is deployed.
        let other = BUILD_IN_ACTIONS.replace("APP_DIR: '.'", "APP_DIR: 'web'");
        assert_eq!(deploys(&other), [(Some("web".to_owned()), false)]);
        // Built on Windows: it cannot run on App Service.
        let windows = BUILD_IN_ACTIONS.replace("ubuntu-22.04", "windows-latest");
        assert_eq!(deploys(&windows), [(Some(String::new()), false)]);
        // A container deployment is not a deployment of the files.
        let image = BUILD_IN_ACTIONS.replace(
            "          package: ${{ env.APP_DIR }}",
            "          images: registry.example/shop:1",
        );
        assert!(deploys(&image).is_empty());
    }

    #[test]
    fn the_portal_workflow_builds_antenv_only_to_test_the_install() {
        let text = r#"
jobs:
  deploy:
    runs-on: ubuntu-latest
    needs: build
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: python-app
      - uses: azure/webapps-deploy@v3
        with:
          app-name: 'shop'
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          python -m venv antenv
          source antenv/bin/activate
          pip install -r requirements.txt
      - uses: actions/upload-artifact@v4
        with:
          name: python-app
          path: |
            .
            !antenv/
"#;
        assert_eq!(deploys(text), [(Some(String::new()), false)]);
        // Without the exclusion, the artifact carries it to the deploy job (read after the job it needs).
        let carried = text.replace("            !antenv/\n", "");
        assert_eq!(deploys(&carried), [(Some(String::new()), true)]);
    }

    #[test]
    fn a_zip_carries_antenv_unless_it_excludes_it() {
        let text = r#"
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          python -m venv antenv
          antenv/bin/pip install \
            -r requirements.txt
      - run: zip -r release.zip . -x '.git/*'
      - uses: actions/upload-artifact@v4
        with:
          name: bundle
          path: release.zip
  deploy:
    runs-on: ubuntu-latest
    needs: [build]
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: bundle
      - run: unzip release.zip
      - uses: azure/webapps-deploy@v3
        with:
          app-name: shop
      - run: az webapp deploy --resource-group rg --name shop --src-path release.zip --type zip
"#;
        assert_eq!(
            deploys(text),
            [
                (Some(String::new()), true),
                (Some("release.zip".to_owned()), true)
            ]
        );
        let found = read(text).unwrap();
        assert_eq!(
            &text[found.deploys[0]
                .venv
                .as_ref()
                .unwrap()
                .installed
                .as_ref()
                .unwrap()
                .0],
            "antenv/bin/pip install \\\n            -r requirements.txt"
        );
        assert_eq!(found.deploys[1].tool, "az webapp deploy");
        let excluded = text.replace("-x '.git/*'", "-x '.git/*' 'antenv/*'");
        assert_eq!(
            deploys(&excluded),
            [
                (Some(String::new()), false),
                (Some("release.zip".to_owned()), false)
            ]
        );
    }

    #[test]
    fn app_settings_set_by_the_workflow() {
        let text = r#"
jobs:
  configure:
    runs-on: ubuntu-latest
    steps:
      - name: Build on the server
        run: |
          az webapp config appsettings set -g rg -n shop \
            --settings SCM_DO_BUILD_DURING_DEPLOYMENT=true "WEBSITES_PORT=8000" TOKEN=$TOKEN
          az functionapp config appsettings set -g rg -n fn --settings OTHER=1
      - uses: azure/appservice-settings@v1
        with:
          app-name: shop
          app-settings-json: '[{ "name": "DISABLE_COLLECTSTATIC", "value": "true", "slotSetting": false }, { "name": "KEY", "value": "${{ secrets.KEY }}" }]'
      - run: az webapp config appsettings set -g rg -n shop --settings SCM_DO_BUILD_DURING_DEPLOYMENT=false
"#;
        let found = settings(text);
        let summary: Vec<(&str, &str, bool)> = found
            .iter()
            .map(|(n, v, _, exact)| (n.as_str(), v.as_str(), *exact))
            .collect();
        // The last write first: it is the one that applies.
        assert_eq!(
            summary,
            [
                ("SCM_DO_BUILD_DURING_DEPLOYMENT", "false", true),
                ("DISABLE_COLLECTSTATIC", "true", false),
                ("WEBSITES_PORT", "8000", false),
                ("SCM_DO_BUILD_DURING_DEPLOYMENT", "true", true),
            ]
        );
        assert_eq!(found[0].2, "false");
        assert_eq!(found[2].2, "\"WEBSITES_PORT=8000\"");
        assert_eq!(found[3].2, "true");
    }

    #[test]
    fn paths_are_kept_inside_the_workspace() {
        assert_eq!(normalize("", "./app/../web/").as_deref(), Some("web"));
        assert_eq!(normalize("src", "..").as_deref(), Some(""));
        assert_eq!(normalize("", "..").as_deref(), None);
        assert_eq!(normalize("", "/tmp/x"), None);
        assert_eq!(
            normalize("", "$GITHUB_WORKSPACE/app").as_deref(),
            Some("app")
        );
        assert_eq!(normalize("", "$HOME/app"), None);
        assert_eq!(
            substitute("a ${{ env.X }} b", &vec![("X".into(), "1".into())]).as_deref(),
            Some("a 1 b")
        );
        assert_eq!(substitute("${{ secrets.X }}", &Vec::new()), None);
        assert_eq!(substitute("${{ env.X", &Vec::new()), None);
    }
}
