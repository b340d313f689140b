//! Cases written in a test: `case { JSON }` read in place, and `case "FILE" with { JSON }`
//! (the file's case with changes merged in).
//!
//! Changes merge as a JSON merge patch (RFC 7386: objects merge key by key, `null` removes
//! a key, anything else replaces the value), with one addition for the lists of records of
//! `case { … }`: an object given for such a list changes records by their key
//! (`"干部": {"S013": {"职务": "一般干部"}}`), removes one with `null`, and appends the
//! records listed under `"+"`. For an entity without a key, records go by position (`"0"`).
//! Numbers stay as written: nothing passes through floating point.

use crate::check::ir::Program;
use crate::check::types::Type;
use crate::eval::json::{self, JsonKind, JsonTree, NodeId};

/// A JSON value with scalars kept as their source text.
#[derive(Clone, Debug)]
enum J {
    Scalar(String),
    Array(Vec<J>),
    /// (key as written, with quotes; key unescaped; value)
    Object(Vec<(String, String, J)>),
}

fn build(tree: &JsonTree, src: &str, id: NodeId) -> J {
    match tree.kind(id) {
        JsonKind::Array => J::Array(tree.items(id).map(|i| build(tree, src, i)).collect()),
        JsonKind::Object => J::Object(
            tree.entries(id)
                .map(|(k, v)| {
                    let raw = src.get(tree.span(k)).unwrap_or("\"\"").to_string();
                    let key = tree
                        .string(src, k)
                        .map(|c| c.into_owned())
                        .unwrap_or_default();
                    (raw, key, build(tree, src, v))
                })
                .collect(),
        ),
        _ => J::Scalar(src.get(tree.span(id)).unwrap_or("null").to_string()),
    }
}

fn parse(src: &str, what: &str) -> Result<J, String> {
    let tree = json::parse(src).map_err(|e| {
        let (line, col) = json::line_col(src, e.offset);
        format!(
            "{what} is not valid JSON: {} (line {line}, column {col})",
            e.message
        )
    })?;
    Ok(build(&tree, src, tree.root()))
}

fn is_null(j: &J) -> bool {
    matches!(j, J::Scalar(s) if s == "null")
}

/// The text of a scalar string value, unquoted (for matching record keys).
fn scalar_text(j: &J) -> Option<String> {
    match j {
        J::Scalar(s) if s.starts_with('"') => json::parse(s)
            .ok()
            .and_then(|t| t.string(s, t.root()).map(|c| c.into_owned())),
        _ => None,
    }
}

/// The key field of the records held by the case field `field`, if they have one
/// (`Ok(None)` for an entity without key, `Err` when the field holds no records).
fn key_field<'p>(prog: &'p Program, field: &str) -> Result<Option<&'p str>, ()> {
    let f = prog
        .case_fields
        .iter()
        .find(|f| f.name == field)
        .ok_or(())?;
    let Type::List(inner) = f.ty.unwrap_optional() else {
        return Err(());
    };
    let Type::Entity(e) = **inner else {
        return Err(());
    };
    let ent = prog.entities.get(e as usize).ok_or(())?;
    Ok(ent
        .key
        .and_then(|k| ent.fields.get(k as usize))
        .map(|f| f.name.as_str()))
}

fn merge(base: &mut J, patch: &J, path: &str, prog: &Program) -> Result<(), String> {
    match (&mut *base, patch) {
        (J::Object(entries), J::Object(changes)) => {
            for (raw, key, value) in changes {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let found = entries.iter().position(|(_, k, _)| k == key);
                match (found, is_null(value)) {
                    (Some(i), true) => {
                        entries.remove(i);
                    }
                    (None, true) => {}
                    (Some(i), false) => {
                        if let Some((_, _, old)) = entries.get_mut(i) {
                            merge(old, value, &at, prog)?;
                        }
                    }
                    (None, false) => entries.push((raw.clone(), key.clone(), value.clone())),
                }
            }
            Ok(())
        }
        (J::Array(records), J::Object(changes)) => {
            let key = key_field(prog, path).map_err(|_| {
                format!(
                    "`{path}` is a list: give a whole new list, or changes to records by key for a list of records"
                )
            })?;
            let mut removed = Vec::new();
            for (_, k, value) in changes {
                if k == "+" {
                    let J::Array(items) = value else {
                        return Err(format!("`{path}.+` must be a list of records to add"));
                    };
                    records.extend(items.iter().cloned());
                    continue;
                }
                let pos = match key {
                    Some(kf) => records.iter().position(|r| match r {
                        J::Object(fields) => fields
                            .iter()
                            .any(|(_, n, v)| n == kf && scalar_text(v).as_deref() == Some(k)),
                        _ => false,
                    }),
                    None => k.parse::<usize>().ok().filter(|i| *i < records.len()),
                };
                let Some(i) = pos else {
                    let by = key.map_or("at position".to_string(), |kf| format!("with {kf}"));
                    return Err(format!(
                        "`{path}`: no record {by} \"{k}\" to change (add records with \"+\": [ … ])"
                    ));
                };
                if is_null(value) {
                    removed.push(i);
                } else if let Some(r) = records.get_mut(i) {
                    merge(r, value, &format!("{path}.{k}"), prog)?;
                }
            }
            removed.sort_unstable();
            removed.dedup();
            for i in removed.into_iter().rev() {
                records.remove(i);
            }
            Ok(())
        }
        (b, p) => {
            *b = p.clone();
            Ok(())
        }
    }
}

fn write(j: &J, indent: usize, out: &mut String) {
    match j {
        J::Scalar(s) => out.push_str(s),
        J::Array(items) if items.is_empty() => out.push_str("[]"),
        J::Object(entries) if entries.is_empty() => out.push_str("{}"),
        J::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&"  ".repeat(indent + 1));
                write(x, indent + 1, out);
            }
            out.push('\n');
            out.push_str(&"  ".repeat(indent));
            out.push(']');
        }
        J::Object(entries) => {
            out.push('{');
            for (i, (raw, _, v)) in entries.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&"  ".repeat(indent + 1));
                out.push_str(raw);
                out.push_str(": ");
                write(v, indent + 1, out);
            }
            out.push('\n');
            out.push_str(&"  ".repeat(indent));
            out.push('}');
        }
    }
}

/// The case `base` (the text of a case file) with `changes` (a JSON object) merged in, as
/// JSON text.
pub fn apply_changes(prog: &Program, base: &str, changes: &str) -> Result<String, String> {
    let mut b = parse(base, "the case file")?;
    let c = parse(changes, "the changes after `with`")?;
    if !matches!(b, J::Object(_)) || !matches!(c, J::Object(_)) {
        return Err("both the case and its changes must be JSON objects".into());
    }
    merge(&mut b, &c, "", prog)?;
    let mut out = String::new();
    write(&b, 0, &mut out);
    out.push('\n');
    Ok(out)
}

/// The policy file's text with everything but `range` (a case written in a test) blanked
/// out, line breaks kept: the case reads as JSON and its errors point at the policy's lines.
pub fn in_place(text: &str, range: std::ops::Range<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if range.contains(&i) || c == '\n' {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceMap;

    const POLICY: &str = r#"
entity 人 key 编号 { 编号: text
  分: score per quarter }
entity 记 { 人: 人
  值: int }
case { 年度: year
  人: [人]
  记: [记] = [] }
"#;

    const BASE: &str = r#"{"年度": 2022,
 "人": [{"编号": "A", "分": {"1": 90.50, "2": 1, "3": 1, "4": 1}}, {"编号": "B", "分": {"1": 2, "2": 2, "3": 2, "4": 2}}],
 "记": [{"人": "A", "值": 1}, {"人": "B", "值": 2}]}"#;

    fn changed(changes: &str) -> Result<String, String> {
        let mut sources = SourceMap::new();
        let policy = crate::session::check_text("p.kaohe", POLICY, &mut sources)
            .map_err(|_| "policy".to_string())?;
        apply_changes(&policy.program, BASE, changes).map(|t| t.split_whitespace().collect())
    }

    #[test]
    fn records_change_by_key_and_numbers_stay_as_written() {
        let t = changed(r#"{"人": {"B": {"分": {"1": 3.10}}}}"#).unwrap();
        assert!(t.contains(r#""分":{"1":90.50,"#), "{t}");
        assert!(t.contains(r#"{"编号":"B","分":{"1":3.10,"2":2"#), "{t}");
    }

    #[test]
    fn null_removes_and_plus_appends() {
        let t = changed(r#"{"人": {"A": null, "+": [{"编号": "C"}]}, "年度": 2023}"#).unwrap();
        assert!(
            !t.contains(r#""编号":"A""#) && t.contains(r#"{"编号":"C"}"#),
            "{t}"
        );
        assert!(t.contains(r#""年度":2023"#), "{t}");
    }

    #[test]
    fn records_without_key_go_by_position() {
        let t = changed(r#"{"记": {"1": {"值": 5}}}"#).unwrap();
        assert!(t.contains(r#"{"人":"B","值":5}"#), "{t}");
        let e = changed(r#"{"记": {"7": null}}"#).unwrap_err();
        assert!(e.contains("no record at position \"7\""), "{e}");
    }

    #[test]
    fn unknown_records_and_bad_json_are_reported() {
        let e = changed(r#"{"人": {"Z": {"分": {}}}}"#).unwrap_err();
        assert!(e.contains("no record with 编号 \"Z\""), "{e}");
        let e = changed(r#"{"人": "#).unwrap_err();
        assert!(
            e.starts_with("the changes after `with` is not valid JSON"),
            "{e}"
        );
        // Anything but an object of changes replaces the value whole.
        let t = changed(r#"{"年度": {"x": 1}}"#).unwrap();
        assert!(t.contains(r#""年度":{"x":1}"#), "{t}");
    }

    #[test]
    fn a_case_in_place_keeps_offsets_and_lines() {
        let text = "test \"名\" {\n  case { \"a\": 1 }\n}";
        let start = text.find("{ \"a\"").unwrap();
        let end = text.find("1 }").unwrap() + 3;
        let blank = in_place(text, start..end);
        assert_eq!(blank.len(), text.len());
        assert_eq!(blank.lines().count(), 3);
        assert_eq!(blank.trim(), "{ \"a\": 1 }");
    }
}
