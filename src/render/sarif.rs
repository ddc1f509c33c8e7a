//! TODO(sarif renderer)

use std::io::{self, Write};

use super::DisplayPaths;
use crate::Report;

pub fn render(report: &Report, _config: &crate::config::Config, paths: &DisplayPaths, out: &mut dyn Write) -> io::Result<()> {
    super::concise::render(report, paths, out)
}
