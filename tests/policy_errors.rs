//! Every wrong policy in `tests/errors/` is caught, and how it is reported is
//! kept as a reviewed snapshot: the policy's text, then the diagnostics exactly
//! as `kaohe check` draws them (without colour).
//!
//! Each file's first line is a `#` comment saying what is wrong with it; a
//! comment containing `(warning)` marks a policy that should check with
//! warnings only.

use kaohe::diagnostic::{Diagnostic, Severity, SourceMap};
use kaohe::render::render_all;
use kaohe::session::{check_text, load_policy};
use std::path::{Path, PathBuf};

/// `tests/errors/x.kaohe` for the absolute path insta's glob hands out, so
/// that the rendering names the file as a user would see it from the crate root
/// (where cargo runs integration tests).
fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    path.strip_prefix(&root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The checker recurses over the policy; the real binary gives it a deep stack too.
fn on_deep_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let worker = std::thread::Builder::new()
        .name(std::thread::current().name().unwrap_or("test").to_string())
        .stack_size(64 * 1024 * 1024)
        .spawn(f)
        .expect("spawn the checking thread");
    match worker.join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Checks one policy file as `kaohe check` does: its diagnostics and the sources they point into.
fn check_file(path: &Path) -> (Vec<Diagnostic>, SourceMap) {
    let mut sources = SourceMap::new();
    let diags = match load_policy(&[path], &mut sources) {
        Ok(policy) => policy.warnings,
        Err(failure) => failure.diagnostics,
    };
    (diags, sources)
}

#[test]
fn wrong_policies() {
    on_deep_stack(|| {
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_path("snapshots/policy_errors");
        // The operating system's words for a missing file differ between systems.
        settings.add_filter(r"\(os error \d+\)", "(os error)");
        settings.add_filter(
            r"No such file or directory|The system cannot find the file specified\.",
            "file not found",
        );
        let _guard = settings.bind_to_scope();
        let mut problems: Vec<String> = Vec::new();
        let mut seen = 0;
        insta::glob!("errors", "*.kaohe", |path| {
            seen += 1;
            let rel = relative(path);
            let name = rel.display().to_string();
            let source = std::fs::read_to_string(path).expect("read the policy");
            let first = source.lines().next().unwrap_or("");
            if !first.starts_with('#') {
                problems.push(format!(
                    "{name}: the first line must be a `#` comment saying what is wrong"
                ));
            }
            let warning_only = first.contains("(warning)");
            let (diags, sources) = check_file(&rel);
            let rendered = render_all(&diags, &sources, false);
            if diags.is_empty() {
                problems.push(format!("{name}: no diagnostic at all"));
            } else if warning_only && diags.iter().any(Diagnostic::is_error) {
                problems.push(format!(
                    "{name}: should give warnings only, gave an error:\n{rendered}"
                ));
            } else if !warning_only && !diags.iter().any(Diagnostic::is_error) {
                problems.push(format!(
                    "{name}: should give an error, gave only warnings:\n{rendered}"
                ));
            }
            if rendered.contains(env!("CARGO_MANIFEST_DIR")) {
                problems.push(format!("{name}: the rendering shows an absolute path"));
            }
            for d in &diags {
                if d.labels.is_empty() {
                    problems.push(format!("{name}: `{d}` points nowhere"));
                }
                // Raw pest rule names must never reach the user.
                for raw in [
                    "kw_",
                    "op_",
                    "_decl",
                    "_lit",
                    "expr_noin",
                    "postfix_expr",
                    "EOI",
                    "SOI",
                ] {
                    let said = std::iter::once(&d.message)
                        .chain(d.labels.iter().map(|l| &l.message))
                        .chain(d.help.iter());
                    if said.into_iter().any(|t| t.contains(raw)) {
                        problems.push(format!("{name}: a grammar rule name (`{raw}`) in `{d}`"));
                    }
                }
            }
            let text = format!("--- source ---\n{source}\n--- diagnostics ---\n{rendered}");
            insta::assert_snapshot!(text);
        });
        assert!(
            seen >= 35,
            "the corpus has {seen} wrong policies, fewer than 35"
        );
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    });
}

/// Severity of a diagnostic, as the corpus's comments name it.
fn kind(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Nesting far beyond the limit, generated: rejected with E0002 at once, not a crash.
#[test]
fn generated_deep_nesting() {
    on_deep_stack(|| {
        let prelude = "policy \"效能考核\"\nentity 干部 key 编号 {\n  编号: text\n  自评分: score per quarter\n}\ncase {\n  年度: year\n  干部: [干部]\n}\n";
        let depth = 20_000;
        let cases = [
            (
                "parens",
                format!(
                    "{prelude}output def 干部.深[q: quarter]: score = {}自评分[q]{}\n",
                    "(".repeat(depth),
                    ")".repeat(depth)
                ),
            ),
            (
                "lists",
                format!(
                    "{prelude}output def 干部.深[q: quarter]: score = {}自评分[q]{}\n",
                    "[".repeat(depth),
                    "]".repeat(depth)
                ),
            ),
            (
                "ifs",
                format!(
                    "{prelude}output def 干部.深[q: quarter]: score = {}自评分[q]{}\n",
                    "if true then ".repeat(depth),
                    " else 0分".repeat(depth)
                ),
            ),
        ];
        for (what, text) in cases {
            let started = std::time::Instant::now();
            let mut sources = SourceMap::new();
            let result = check_text("tests/errors/generated.kaohe", &text, &mut sources);
            let Err(failure) = result else {
                panic!("{what}: nesting {depth} deep was accepted");
            };
            assert!(
                failure.diagnostics.iter().any(Diagnostic::is_error),
                "{what}: no error"
            );
            let rendered = render_all(&failure.diagnostics, &sources, false);
            assert!(
                started.elapsed() < std::time::Duration::from_secs(5),
                "{what}: took {:?}",
                started.elapsed()
            );
            assert!(!rendered.is_empty(), "{what}: nothing rendered");
            let kinds: Vec<&str> = failure.diagnostics.iter().map(kind).collect();
            assert!(kinds.contains(&"error"), "{what}: {kinds:?}");
        }
        // Prefix operators repeat without brackets: long chains are legal and must not crash.
        for op in ["- ", "not "] {
            let body = if op == "- " { "自评分[q]" } else { "true" };
            let ty = if op == "- " { "score" } else { "bool" };
            let text = format!(
                "{prelude}output def 干部.深[q: quarter]: {ty} = {}{body}\n",
                op.repeat(depth)
            );
            let started = std::time::Instant::now();
            let mut sources = SourceMap::new();
            let _ = check_text("tests/errors/generated.kaohe", &text, &mut sources);
            assert!(
                started.elapsed() < std::time::Duration::from_secs(5),
                "`{op}` chain: took {:?}",
                started.elapsed()
            );
        }
    });
}
