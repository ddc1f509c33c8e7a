//! The merge of every source: precedence, candidates and the values the rest of the model sees.

use super::*;
use crate::platform::inputs::Inputs;
use crate::project::PythonVersion;

fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
    crate::project::test_project(files)
}

fn load(
    files: &[(&str, &str)],
    inputs: impl FnOnce(&mut Inputs),
) -> (tempfile::TempDir, Project, Sources) {
    let (dir, project) = project(files);
    let mut c = Inputs::default();
    inputs(&mut c);
    let sources = Sources::load(&project, &c);
    (dir, project, sources)
}

fn bicep_site(settings: &[(&str, &str)], extra: &str) -> String {
    let items: String = settings
        .iter()
        .map(|(n, v)| format!("        {{ name: '{n}', value: '{v}' }}\n"))
        .collect();
    format!(
        "resource site 'Microsoft.Web/sites@2022-09-01' = {{\n  kind: 'app,linux'\n  properties: {{\n    siteConfig: {{\n{extra}      appSettings: [\n{items}      ]\n    }}\n  }}\n}}\n"
    )
}

fn described(project: &Project, setting: Option<&Setting>) -> Option<(String, String)> {
    setting.map(|s| (s.value.clone(), s.source.describe(project)))
}

#[test]
fn precedence_of_app_settings() {
    let (_d, p, s) = load(
        &[
            ("build.env", "A=build\nB=build\nC=build\nD=build\n"),
            (
                ".deployment",
                "[config]\nA=deployment\nB=deployment\nC=deployment\n",
            ),
            (
                "infra/main.bicep",
                &bicep_site(&[("A", "bicep"), ("B", "bicep")], ""),
            ),
        ],
        |c| c.app_settings = vec![("A".into(), "flag".into())],
    );
    let settings = s.app_settings();
    assert_eq!(
        described(&p, settings.get("A")),
        Some(("flag".into(), "`--app-setting`".into()))
    );
    assert_eq!(
        described(&p, settings.get("B")),
        Some(("bicep".into(), "infra/main.bicep".into()))
    );
    assert_eq!(
        described(&p, settings.get("C")),
        Some(("deployment".into(), ".deployment".into()))
    );
    assert_eq!(
        described(&p, settings.get("D")),
        Some(("build".into(), "build.env".into()))
    );
    let origins: Vec<Origin> = s.setting_candidates("A").map(|c| c.origin).collect();
    assert_eq!(
        origins,
        vec![
            Origin::Flag,
            Origin::Bicep,
            Origin::Deployment,
            Origin::BuildEnv
        ]
    );
}

#[test]
fn the_first_template_in_path_order_wins() {
    let (_d, p, s) = load(
        &[
            ("a/main.bicep", &bicep_site(&[("X", "first")], "")),
            (
                "b/main.tf",
                "resource \"azurerm_linux_web_app\" \"a\" {\n  app_settings = { X = \"second\" }\n}\n",
            ),
        ],
        |_| {},
    );
    assert_eq!(
        described(&p, s.app_settings().get("X")),
        Some(("first".into(), "a/main.bicep".into()))
    );
    let all: Vec<&str> = s
        .setting_candidates("X")
        .map(|c| c.value.value.as_str())
        .collect();
    assert_eq!(all, vec!["first", "second"]);
}

#[test]
fn template_values_point_at_the_value() {
    let text = bicep_site(&[("PRE_BUILD_COMMAND", "/home/site/wwwroot/x.sh")], "");
    let (d, _p, s) = load(&[("main.bicep", &text)], |_| {});
    let settings = s.app_settings();
    let pre = settings.get("PRE_BUILD_COMMAND").unwrap();
    let span = pre.value_span.unwrap();
    let written = std::fs::read_to_string(d.path().join("main.bicep")).unwrap();
    assert_eq!(&written[span.range], "/home/site/wwwroot/x.sh");
    assert_eq!(pre.source, Source::File(span));
}

#[test]
fn function_app_settings_do_not_count() {
    let text = bicep_site(&[("X", "1")], "").replace("'app,linux'", "'functionapp,linux'");
    let (_d, _p, s) = load(&[("main.bicep", &text)], |_| {});
    assert!(s.app_settings().get("X").is_none());
    assert!(s.all.is_empty());
}

#[test]
fn appsvc_yaml_overrides_the_hook_commands() {
    let (_d, p, s) = load(
        &[
            (
                "appsvc.yaml",
                "pre-build: bash scripts/pre.sh\npost-build: |\n  a\n  b\n",
            ),
            (
                "build.env",
                "PRE_BUILD_SCRIPT_PATH=scripts/other.sh\nPOST_BUILD_COMMAND=c\n",
            ),
        ],
        |c| c.app_settings = vec![("PRE_BUILD_COMMAND".into(), "flag".into())],
    );
    let settings = s.app_settings();
    let pre = settings.get("PRE_BUILD_COMMAND").unwrap();
    assert_eq!(
        (pre.value.as_str(), pre.source.describe(&p)),
        ("bash scripts/pre.sh", "appsvc.yaml".to_owned())
    );
    assert!(pre.value_span.is_some());
    assert!(settings.get("PRE_BUILD_SCRIPT_PATH").is_none());
    let post = settings.get("POST_BUILD_COMMAND").unwrap();
    assert_eq!(post.value, "a;b;");
    assert!(post.value_span.is_none());
    assert_eq!(s.setting_candidates("PRE_BUILD_SCRIPT_PATH").count(), 1);
}

#[test]
fn an_invalid_appsvc_yaml_is_ignored() {
    let (_d, _p, s) = load(&[("appsvc.yaml", "prebuild: x\npre-build: y\n")], |_| {});
    let yaml = s.appsvc.as_ref().unwrap();
    assert!(yaml.error.is_some());
    assert!(yaml.pre_build.is_none());
    assert!(s.app_settings().get("PRE_BUILD_COMMAND").is_none());
}

#[test]
fn deployment_and_build_env_are_reported() {
    let (_d, _p, s) = load(
        &[
            (
                ".deployment",
                "[config]\nSCM_DO_BUILD_DURING_DEPLOYMENT=true\n",
            ),
            ("build.env", "export X=1\nnot a line\n"),
        ],
        |_| {},
    );
    let deployment = s.deployment.as_ref().unwrap();
    assert!(deployment.has_config_section);
    assert_eq!(
        deployment.settings[0].name,
        "SCM_DO_BUILD_DURING_DEPLOYMENT"
    );
    assert_eq!(s.build_env_errors.len(), 2);
    assert_eq!(
        s.app_settings()
            .get("SCM_DO_BUILD_DURING_DEPLOYMENT")
            .map(|v| v.value.as_str()),
        Some("true")
    );
}

#[test]
fn startup_command_precedence() {
    let workflow = ".github/workflows/deploy.yml";
    let yml = "jobs:\n  d:\n    steps:\n      - uses: azure/webapps-deploy@v3\n        with:\n          startup-command: from-workflow\n";
    let (dir, project) = project(&[
        (workflow, yml),
        (
            "main.bicep",
            &bicep_site(&[], "      appCommandLine: 'from-bicep'\n"),
        ),
        (
            "site.json",
            r#"{"appCommandLine": "from-file", "linuxFxVersion": "PYTHON|3.10"}"#,
        ),
    ]);
    let file = dir.path().join("site.json");
    let at = |c: &Inputs| Sources::load(&project, c).startup_command().unwrap();

    let mut c = Inputs::default();
    assert_eq!(at(&c).command, "from-workflow");
    assert_eq!(at(&c).source.describe(&project), workflow);

    c.add_settings_file(&file).unwrap();
    let from_file = at(&c);
    assert_eq!(from_file.command, "from-file");
    assert_eq!(
        from_file.source,
        Source::settings_file(&file.display().to_string())
    );

    c.startup_command = Some("from-flag".into());
    assert_eq!(at(&c).command, "from-flag");
    assert_eq!(at(&c).source, Source::flag("--startup-command"));
}

#[test]
fn python_version_precedence() {
    let (dir, project) = project(&[
        ("runtime.txt", "python-3.9\n"),
        (
            "main.tf",
            "resource \"azurerm_linux_web_app\" \"a\" {\n  site_config {\n    application_stack {\n      python_version = \"3.11\"\n    }\n  }\n}\n",
        ),
        ("site.json", r#"{"linuxFxVersion": "PYTHON|3.10"}"#),
    ]);
    let runtime = |c: &Inputs| {
        let s = Sources::load(&project, c);
        let r = s.python_runtime(&s.app_settings());
        (r.version, r.source.map(|s| s.describe(&project)))
    };
    let mut c = Inputs {
        app_settings: vec![("PYTHON_VERSION".into(), "3.12".into())],
        ..Inputs::default()
    };
    assert_eq!(
        runtime(&c),
        (PythonVersion::PY311, Some("main.tf".to_owned()))
    );
    c.add_settings_file(&dir.path().join("site.json")).unwrap();
    assert_eq!(runtime(&c).0, PythonVersion::PY310);
    c.python_version = Some(PythonVersion::PY313);
    assert_eq!(
        runtime(&c),
        (PythonVersion::PY313, Some("`--python-version`".to_owned()))
    );

    let (_dir, project) =
        crate::platform::sources::tests::project(&[("runtime.txt", "python-3.9\n")]);
    let mut c = Inputs::default();
    let s = Sources::load(&project, &c);
    assert_eq!(
        s.python_runtime(&s.app_settings()).version,
        PythonVersion::PY39
    );
    c.app_settings = vec![("PYTHON_VERSION".into(), "3.12".into())];
    let s = Sources::load(&project, &c);
    assert_eq!(
        s.python_runtime(&s.app_settings()).version,
        PythonVersion::PY312
    );
}

#[test]
fn settings_file_errors_are_usage_errors() {
    let (dir, _p) = project(&[("bad.json", "{\"x\": 1}")]);
    let mut c = Inputs::default();
    for path in [dir.path().join("bad.json"), "/nonexistent.json".into()] {
        let error = c.add_settings_file(&path).unwrap_err();
        assert!(error.starts_with("--app-settings-file `"), "{error}");
    }
    assert!(c.settings_files.is_empty());
}

#[test]
fn later_settings_files_and_flags_win() {
    let (dir, project) = project(&[
        (
            "one.json",
            r#"[{"name": "X", "value": "one", "slotSetting": false}]"#,
        ),
        (
            "two.json",
            r#"[{"name": "X", "value": "two", "slotSetting": false}]"#,
        ),
    ]);
    let mut c = Inputs::default();
    c.add_settings_file(&dir.path().join("one.json")).unwrap();
    c.add_settings_file(&dir.path().join("two.json")).unwrap();
    c.app_settings = vec![("Y".into(), "1".into()), ("Y".into(), "2".into())];
    let s = Sources::load(&project, &c);
    let settings = s.app_settings();
    assert_eq!(settings.get("X").unwrap().value, "two");
    assert_eq!(settings.get("Y").unwrap().value, "2");
}

#[test]
fn unparsable_templates_are_notices() {
    let (_d, p, s) = load(&[("main.tf", "resource \"x\" {\n")], |_| {});
    assert!(s.all.is_empty());
    assert_eq!(p.notices().len(), 1, "{:?}", p.notices());
    assert!(p.notices()[0].starts_with("skipped `main.tf`: it does not parse"));
}
