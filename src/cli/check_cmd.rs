//! `kaohe check FILE…`: every problem in each policy, exit 1 on an error (or a warning when denied).

use super::Io;
use crate::diagnostic::SourceMap;
use crate::session;
use std::path::PathBuf;

pub fn run(files: &[PathBuf], deny_warnings: bool, io: &mut Io<'_>) -> i32 {
    let mut failed = false;
    for file in files {
        let mut sources = SourceMap::new();
        match session::load_policy(&[file.as_path()], &mut sources) {
            Ok(policy) => {
                io.diagnostics(&policy.warnings, &sources);
                let warnings = policy.warnings.len();
                if deny_warnings && warnings > 0 {
                    failed = true;
                }
                let name = session::display_name(file);
                let summary = match warnings {
                    0 => format!("{name}: ok\n"),
                    1 => format!("{name}: ok, 1 warning\n"),
                    n => format!("{name}: ok, {n} warnings\n"),
                };
                let _ = io.err.write_all(summary.as_bytes());
            }
            Err(f) => {
                io.diagnostics(&f.diagnostics, &sources);
                let errors = f.diagnostics.iter().filter(|d| d.is_error()).count();
                let name = session::display_name(file);
                let plural = if errors == 1 { "" } else { "s" };
                let _ = writeln!(io.err, "{name}: {errors} error{plural}");
                failed = true;
            }
        }
    }
    i32::from(failed)
}
