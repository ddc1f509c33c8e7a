//! TODO(text renderer)

use std::io::{self, Write};

use super::DisplayPaths;
use crate::Report;

pub fn render(report: &Report, paths: &DisplayPaths, _color: bool, out: &mut dyn Write) -> io::Result<()> {
    super::concise::render(report, paths, out)
}
