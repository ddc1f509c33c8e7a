//! GitHub workflows (`.github/workflows/*.yml`): the `startup-command` input of `azure/webapps-deploy`
//! steps, which the action sets as the site's startup command when it deploys. A value with a `${{ }}`
//! expression is unknown.

use super::values::{ConfigKey, FileValue};
use super::yaml;

/// Whether a path (relative to the app root) is a workflow file.
pub(crate) fn is_workflow(rel: &str) -> bool {
    rel.strip_prefix(".github/workflows/").is_some_and(|name| {
        !name.contains('/') && (name.ends_with(".yml") || name.ends_with(".yaml"))
    })
}

/// The startup commands a workflow sets, in file order, or why it does not parse.
pub(crate) fn values(text: &str) -> Result<Vec<FileValue>, String> {
    let doc = match yaml::parse(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => return Ok(Vec::new()),
        Err(err) => return Err(err.message),
    };
    let mut out = Vec::new();
    let Some(jobs) = yaml::get(&doc.root, "jobs") else {
        return Ok(out);
    };
    for (_, job) in yaml::entries(jobs) {
        let Some(steps) = yaml::get(job, "steps") else {
            continue;
        };
        for step in yaml::items(steps) {
            let uses = yaml::get(step, "uses")
                .and_then(|u| doc.scalar(u))
                .map(|u| u.value.to_ascii_lowercase());
            if !uses.is_some_and(|u| u.starts_with("azure/webapps-deploy@")) {
                continue;
            }
            let Some(command) = yaml::get(step, "with")
                .and_then(|w| yaml::get(w, "startup-command"))
                .and_then(|c| doc.scalar(c))
            else {
                continue;
            };
            if command.value.contains("${{") {
                continue;
            }
            out.push(FileValue {
                key: ConfigKey::StartupCommand,
                value: command.value,
                range: command.range,
                exact: command.exact,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_steps() {
        let text = r#"
name: deploy
on: [push]
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
"#;
        let found = values(text).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].value,
            "gunicorn --chdir /home/site/wwwroot app:app"
        );
        assert_eq!(&text[found[0].range], found[0].value);
        assert!(found[0].exact);
    }

    #[test]
    fn paths_and_errors() {
        assert!(is_workflow(".github/workflows/main.yml"));
        assert!(is_workflow(".github/workflows/a.yaml"));
        assert!(!is_workflow(".github/workflows/sub/a.yml"));
        assert!(!is_workflow("workflows/a.yml"));
        assert!(values("jobs: [").is_err());
        assert!(values("").unwrap().is_empty());
    }
}
