//! Draws diagnostics as text with ariadne: the one module that knows how they look.

use crate::diagnostic::{Diagnostic, Severity, SourceId, SourceMap};
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
    // Labels in other sources become notes: ariadne 0.6 misplaces byte spans
    // in a report's second source (and panics under Chinese text).
    let mut groups: Vec<(SourceId, Vec<(usize, &crate::diagnostic::Label)>)> = Vec::new();
    for (i, label) in diag.labels.iter().enumerate() {
        match groups.iter_mut().find(|(s, _)| *s == label.span.source) {
            Some((_, v)) => v.push((i, label)),
            None => groups.push((label.span.source, vec![(i, label)])),
        }
    }
    let Some((source, labels)) = groups.first() else {
        return render_plain(diag);
    };
    // ariadne draws a label's whole line, three times over: a case written on
    // one line, or a 50 MB string, would flood the terminal. Such lines get a
    // short excerpt instead.
    if labels.iter().any(|(_, l)| long_line(sources, l.span)) {
        return render_excerpt(diag, sources, color);
    }
    let first = labels.first().map(|(_, l)| l.span).unwrap_or(primary);
    let mut report = Report::build(
        kind,
        (sources.name(*source).to_string(), clamp(sources, first)),
    )
    .with_config(
        Config::default()
            .with_index_type(IndexType::Byte)
            .with_color(color)
            .with_char_set(CharSet::Unicode),
    )
    .with_code(diag.code)
    .with_message(&diag.message);
    for (i, label) in labels {
        let mut l = Label::new((
            sources.name(*source).to_string(),
            clamp(sources, label.span),
        ))
        .with_message(&label.message)
        .with_order(*i as i32);
        if color {
            l = l.with_color(match (i, diag.severity) {
                (0, Severity::Error) => Color::Red,
                (0, Severity::Warning) => Color::Yellow,
                _ => Color::Blue,
            });
        }
        report = report.with_label(l);
    }
    for (_, labels) in groups.iter().skip(1) {
        for (_, label) in labels {
            let (line, col) = sources.line_col(label.span.source, label.span.start);
            report = report.with_note(format!(
                "{}: {}:{line}:{col}",
                label.message,
                sources.name(label.span.source)
            ));
        }
    }
    for note in &diag.notes {
        report = report.with_note(note);
    }
    if let Some(help) = &diag.help {
        report = report.with_help(help);
    }
    let mut bytes = Vec::new();
    if report.finish().write(&mut *cache, &mut bytes).is_err() {
        return render_plain(diag);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A span's byte range, inside its text and on character boundaries.
fn clamp(sources: &SourceMap, span: crate::diagnostic::Span) -> Range<usize> {
    let text = sources.text(span.source);
    let mut start = (span.start as usize).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// Lines longer than this (in bytes) are shown as an excerpt, not whole.
const LONG_LINE: usize = 400;

/// Whether the line where a span starts or ends is too long to draw whole.
fn long_line(sources: &SourceMap, span: crate::diagnostic::Span) -> bool {
    let text = sources.text(span.source);
    let r = clamp(sources, span);
    [r.start, r.end].iter().any(|&at| {
        let (before, after) = text.split_at(at);
        let start = before.rfind('\n').map_or(0, |p| p + 1);
        let end = after.find('\n').map_or(text.len(), |p| at + p);
        end - start > LONG_LINE
    })
}

/// A diagnostic whose lines are too long to draw: each label as its place and
/// a few characters either side, then the notes and help.
fn render_excerpt(diag: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    use unicode_width::UnicodeWidthStr;
    // The header as ariadne writes it.
    let (kind, paint) = match diag.severity {
        Severity::Error => ("Error", "\x1b[31m"),
        Severity::Warning => ("Warning", "\x1b[33m"),
    };
    let mut out = match color {
        true => format!("{paint}[{}] {kind}:\x1b[0m {}\n", diag.code, diag.message),
        false => format!("[{}] {kind}: {}\n", diag.code, diag.message),
    };
    for label in &diag.labels {
        let text = sources.text(label.span.source);
        let r = clamp(sources, label.span);
        let (line, col) = sources.line_col(label.span.source, r.start as u32);
        let (before, after) = text.split_at(r.start);
        let line_before = before.rsplit('\n').next().unwrap_or("");
        let mut shown_before: Vec<char> = line_before.chars().rev().take(30).collect();
        shown_before.reverse();
        let shown_before: String = shown_before.into_iter().collect();
        let line_after = after.split('\n').next().unwrap_or("");
        let shown_after: String = line_after.chars().take(40).collect();
        let lead = if shown_before.len() < line_before.len() {
            "…"
        } else {
            ""
        };
        let tail = if shown_after.len() < line_after.len() {
            "…"
        } else {
            ""
        };
        let pad = " "
            .repeat(UnicodeWidthStr::width(lead) + UnicodeWidthStr::width(shown_before.as_str()));
        out.push_str(&format!(
            "  --> {}:{line}:{col}\n   | {lead}{shown_before}{shown_after}{tail}\n   | {pad}^ {}\n",
            sources.name(label.span.source),
            label.message
        ));
    }
    for note in &diag.notes {
        out.push_str(&format!("  note: {note}\n"));
    }
    if let Some(help) = &diag.help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out
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
