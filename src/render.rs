//! Draws diagnostics as text with ariadne: the one module that knows how they look.

use crate::diagnostic::{Diagnostic, Severity, SourceMap};
use ariadne::{CharSet, Color, Config, IndexType, Label, Report, ReportKind};
use std::ops::Range;

/// Renders one diagnostic; `color` adds ANSI colours for a terminal.
pub fn render(diag: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    render_all(std::slice::from_ref(diag), sources, color)
}

/// Renders many diagnostics, one after another; each source is indexed once.
pub fn render_all(diags: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let used: std::collections::BTreeSet<_> = diags
        .iter()
        .flat_map(|d| d.labels.iter().map(|l| l.span.source))
        .collect();
    let mut cache = ariadne::sources(
        sources
            .iter()
            .filter(|(id, _)| used.contains(id))
            .map(|(_, s)| (s.name.clone(), s.text.clone())),
    );
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_one(d, sources, color, &mut cache));
    }
    out
}

fn render_one(
    diag: &Diagnostic,
    sources: &SourceMap,
    color: bool,
    cache: &mut impl ariadne::Cache<String>,
) -> String {
    let kind = match diag.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let Some(primary) = diag.primary_span() else {
        return render_plain(diag);
    };
    let name = |id| sources.name(id).to_string();
    let config = Config::default()
        .with_index_type(IndexType::Byte)
        .with_color(color)
        .with_char_set(CharSet::Unicode);
    let clamp = |id, r: Range<usize>| {
        let len = sources.text(id).len();
        let start = r.start.min(len);
        start..r.end.clamp(start, len)
    };
    let mut report = Report::build(
        kind,
        (name(primary.source), clamp(primary.source, primary.range())),
    )
    .with_config(config)
    .with_code(diag.code)
    .with_message(&diag.message);
    for (i, label) in diag.labels.iter().enumerate() {
        let mut l = Label::new((
            name(label.span.source),
            clamp(label.span.source, label.span.range()),
        ))
        .with_message(&label.message)
        .with_order(i as i32);
        if color {
            l = l.with_color(match (i, diag.severity) {
                (0, Severity::Error) => Color::Red,
                (0, Severity::Warning) => Color::Yellow,
                _ => Color::Blue,
            });
        }
        report = report.with_label(l);
    }
    for note in &diag.notes {
        report = report.with_note(note);
    }
    if let Some(help) = &diag.help {
        report = report.with_help(help);
    }
    let mut out = Vec::new();
    if report.finish().write(cache, &mut out).is_err() {
        return render_plain(diag);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A diagnostic with no place in a source: header, notes and help.
fn render_plain(diag: &Diagnostic) -> String {
    let mut out = format!("{diag}\n");
    for note in &diag.notes {
        out.push_str(&format!("  note: {note}\n"));
    }
    if let Some(help) = &diag.help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out
}
