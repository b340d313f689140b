//! Case loading: JSON to typed records, driven by the policy's schema; a bad case is rejected whole.

use super::case::{Case, Table};
use super::json::{self, JsonKind, JsonTree, NodeId};
use super::num;
use super::period::{self, Month, Quarter, Year};
use super::value::{MapValue, Value};
use crate::check::ir::{FieldDef, Program};
use crate::check::suggest::closest;
use crate::check::types::{Grain, Type};
use crate::diagnostic::{Diagnostic, SourceId, Span};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A loaded case and the warnings its loading raised.
pub struct Loaded {
    pub case: Case,
    pub warnings: Vec<Diagnostic>,
}

/// Where a value sits in the case, formatted only when a message needs it:
/// `事件[3] (E04).当事人`.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root(&'a str),
    Record {
        field: &'a str,
        index: usize,
        id: Option<&'a str>,
        single: bool,
    },
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root(s) => write!(f, "{s}"),
            Path::Record {
                field,
                single: true,
                ..
            } => write!(f, "{field}"),
            Path::Record {
                field,
                index,
                id: Some(id),
                ..
            } => write!(f, "{field}[{index}] ({id})"),
            Path::Record {
                field,
                index,
                id: None,
                ..
            } => write!(f, "{field}[{index}]"),
            Path::Key(p, k) => write!(f, "{p}.{k}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// How many errors are reported before the loader stops looking.
const MAX_ERRORS: usize = 100;

pub fn load_case(prog: &Program, source: SourceId, text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let tree = json::parse(text).map_err(|e| {
        let end = text
            .get(e.offset..)
            .and_then(|r| r.chars().next())
            .map(|c| e.offset + c.len_utf8())
            .unwrap_or(e.offset);
        vec![
            Diagnostic::error(
                "E0501",
                format!("the case is not valid JSON: {}", e.message),
            )
            .with_label(Span::new(source, e.offset, end), e.message.clone())
            .with_help("nothing was evaluated; fix the file and run again"),
        ]
    })?;
    let mut loader = Loader {
        prog,
        source,
        text,
        tree: &tree,
        errors: Vec::new(),
        warnings: Vec::new(),
        duplicates: tree
            .duplicate_keys
            .iter()
            .map(|(_, second)| *second)
            .collect(),
        reported_duplicates: HashSet::new(),
        record_nodes: vec![Vec::new(); prog.entities.len()],
    };
    let case = loader.load();
    loader.leftover_duplicates();
    let case = match case {
        Some(c) if loader.errors.is_empty() => c,
        _ => return Err(loader.finish_errors()),
    };
    loader.check_requires(&case);
    if !loader.errors.is_empty() {
        return Err(loader.finish_errors());
    }
    Ok(Loaded {
        case,
        warnings: loader.warnings,
    })
}

struct Loader<'a> {
    prog: &'a Program,
    source: SourceId,
    text: &'a str,
    tree: &'a JsonTree,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    duplicates: HashSet<NodeId>,
    reported_duplicates: HashSet<NodeId>,
    /// Each record's JSON object, per entity.
    record_nodes: Vec<Vec<NodeId>>,
}

impl<'a> Loader<'a> {
    fn span(&self, node: NodeId) -> Span {
        let r = self.tree.span(node);
        Span::new(self.source, r.start, r.end)
    }

    fn error(&mut self, node: NodeId, path: &Path<'_>, message: String, label: &str) {
        if self.errors.len() >= MAX_ERRORS {
            return;
        }
        let d = Diagnostic::error("E0502", format!("{path}: {message}"))
            .with_label(self.span(node), label.to_string());
        self.errors.push(d);
    }

    fn finish_errors(&mut self) -> Vec<Diagnostic> {
        let mut errors = std::mem::take(&mut self.errors);
        if errors.len() >= MAX_ERRORS {
            errors.push(Diagnostic::error(
                "E0500",
                format!("more than {MAX_ERRORS} problems; the rest are not listed"),
            ));
        }
        if let Some(last) = errors.last_mut() {
            last.notes
                .push("the case was rejected as a whole: nothing was evaluated".into());
        }
        errors
    }

    fn kind_name(&self, node: NodeId) -> &'static str {
        match self.tree.kind(node) {
            JsonKind::Null => "null",
            JsonKind::Bool => "a boolean",
            JsonKind::Number => "a number",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
        }
    }

    /// An object's values for the known keys (in their order), with repeated
    /// keys reported and unknown keys warned about.
    fn entries(&mut self, obj: NodeId, path: &Path<'_>, known: &[&str]) -> Vec<Option<NodeId>> {
        let mut out = vec![None; known.len()];
        let entries: Vec<(NodeId, NodeId)> = self.tree.entries(obj).collect();
        for (k, v) in entries {
            let key = self.tree.string(self.text, k).unwrap_or_default();
            if self.duplicates.contains(&k) {
                let key = key.into_owned();
                self.reported_duplicates.insert(k);
                self.error(
                    k,
                    path,
                    format!("the key `{key}` is given twice"),
                    "given again here",
                );
                continue;
            }
            match known.iter().position(|x| *x == key) {
                Some(i) => {
                    if let Some(slot) = out.get_mut(i) {
                        *slot = Some(v);
                    }
                }
                None => {
                    let mut w = Diagnostic::warning(
                        "W0501",
                        format!("{path}: unknown key `{key}` (ignored)"),
                    )
                    .with_label(self.span(k), "the policy has no field of this name");
                    if let Some(s) = closest(&key, known.iter().copied()) {
                        w = w.with_help(format!("did you mean `{s}`?"));
                    }
                    self.warnings.push(w);
                }
            }
        }
        out
    }

    fn leftover_duplicates(&mut self) {
        let left: Vec<NodeId> = self
            .tree
            .duplicate_keys
            .iter()
            .map(|(_, s)| *s)
            .filter(|s| !self.reported_duplicates.contains(s))
            .collect();
        for k in left {
            let key = self
                .tree
                .string(self.text, k)
                .map(|s| s.into_owned())
                .unwrap_or_default();
            self.error(
                k,
                &Path::Root("the case"),
                format!("the key `{key}` is given twice in one object"),
                "given again here",
            );
        }
    }

    fn load(&mut self) -> Option<Case> {
        let prog = self.prog;
        let root = self.tree.root();
        if self.tree.kind(root) != JsonKind::Object {
            let kind = self.kind_name(root);
            self.error(
                root,
                &Path::Root("the case"),
                format!("must be a JSON object, not {kind}"),
                "expected `{ … }`",
            );
            return None;
        }
        let known: Vec<&str> = prog.case_fields.iter().map(|f| f.name.as_str()).collect();
        let root_entries = self.entries(root, &Path::Root("the case"), &known);
        // First pass: every record and its key, so references can point forward.
        let mut tables: Vec<Table> = prog
            .entities
            .iter()
            .map(|e| Table::new(e.fields.len()))
            .collect();
        for (ei, ent) in prog.entities.iter().enumerate() {
            let Some(cf) = ent
                .case_field
                .and_then(|f| prog.case_fields.get(f as usize))
            else {
                continue;
            };
            let nodes: Vec<NodeId> = match ent
                .case_field
                .and_then(|f| root_entries.get(f as usize).copied().flatten())
            {
                None => {
                    if cf.required() {
                        self.error(
                            root,
                            &Path::Root("the case"),
                            format!("`{}` is missing", cf.name),
                            "this object has no such key",
                        );
                    }
                    Vec::new()
                }
                Some(n) if self.tree.kind(n) == JsonKind::Null => {
                    if cf.required() {
                        self.error(
                            n,
                            &Path::Root(&cf.name),
                            "must not be null".into(),
                            "null here",
                        );
                    }
                    Vec::new()
                }
                Some(n) => match (&cf.ty, self.tree.kind(n)) {
                    (Type::List(_), JsonKind::Array) => self.tree.items(n).collect(),
                    (Type::Entity(_), JsonKind::Object) => vec![n],
                    (Type::List(_), _) => {
                        let kind = self.kind_name(n);
                        self.error(
                            n,
                            &Path::Root(&cf.name),
                            format!("must be an array of records, not {kind}"),
                            "expected `[ … ]`",
                        );
                        Vec::new()
                    }
                    _ => {
                        let kind = self.kind_name(n);
                        self.error(
                            n,
                            &Path::Root(&cf.name),
                            format!("must be an object, not {kind}"),
                            "expected `{ … }`",
                        );
                        Vec::new()
                    }
                },
            };
            let Some(table) = tables.get_mut(ei) else {
                continue;
            };
            let key_field = ent.key.and_then(|k| ent.fields.get(k as usize));
            let mut first_of: HashMap<Arc<str>, NodeId> = HashMap::new();
            for (i, node) in nodes.iter().enumerate() {
                let path = Path::Record {
                    field: &cf.name,
                    index: i,
                    id: None,
                    single: matches!(cf.ty, Type::Entity(_)),
                };
                if self.tree.kind(*node) != JsonKind::Object {
                    let kind = self.kind_name(*node);
                    self.error(
                        *node,
                        &path,
                        format!("a record must be an object, not {kind}"),
                        "expected `{ … }`",
                    );
                    continue;
                }
                let offset = self.tree.span(*node).start as u32;
                let id: Arc<str> = match key_field {
                    None => Arc::from(format!("[{i}]")),
                    Some(kf) => match self.tree.get(self.text, *node, &kf.name) {
                        Some(kn) if self.tree.kind(kn) == JsonKind::String => {
                            let k: Arc<str> = Arc::from(
                                self.tree.string(self.text, kn).unwrap_or_default().as_ref(),
                            );
                            if let Some(first) = first_of.get(&k).copied() {
                                let fspan = self.span(first);
                                let d = Diagnostic::error(
                                    "E0502",
                                    format!(
                                        "{path}.{}: {} \"{k}\" is used twice",
                                        kf.name, kf.name
                                    ),
                                )
                                .with_label(self.span(kn), "used again here")
                                .with_label(fspan, "first used here")
                                .with_help(format!(
                                    "every {} is unique within {}",
                                    kf.name, cf.name
                                ));
                                self.errors.push(d);
                            } else {
                                first_of.insert(k.clone(), kn);
                            }
                            k
                        }
                        Some(kn) => {
                            let kind = self.kind_name(kn);
                            self.error(
                                kn,
                                &Path::Key(&path, &kf.name),
                                format!("must be a string, not {kind}"),
                                "expected text",
                            );
                            Arc::from(format!("[{i}]"))
                        }
                        None => {
                            self.error(
                                *node,
                                &path,
                                format!("`{}` is missing", kf.name),
                                "this record has no key",
                            );
                            Arc::from(format!("[{i}]"))
                        }
                    },
                };
                let r = table.push(vec![Value::None; ent.fields.len()], id.clone(), offset);
                if key_field.is_some() {
                    table.keys.entry(id).or_insert(r);
                }
                if let Some(rn) = self.record_nodes.get_mut(ei) {
                    rn.push(*node);
                }
            }
        }
        // Second pass: every field of every record.
        for (ei, ent) in prog.entities.iter().enumerate() {
            let Some(cf) = ent
                .case_field
                .and_then(|f| prog.case_fields.get(f as usize))
            else {
                continue;
            };
            let known: Vec<&str> = ent.fields.iter().map(|f| f.name.as_str()).collect();
            let nodes = self.record_nodes.get(ei).cloned().unwrap_or_default();
            for (i, node) in nodes.iter().enumerate() {
                let id: Option<Arc<str>> = tables.get(ei).and_then(|t| t.ids.get(i).cloned());
                let path = Path::Record {
                    field: &cf.name,
                    index: i,
                    id: ent.key.and(id.as_deref()),
                    single: matches!(cf.ty, Type::Entity(_)),
                };
                let entries = self.entries(*node, &path, &known);
                for (fi, f) in ent.fields.iter().enumerate() {
                    let v =
                        self.field(f, entries.get(fi).copied().flatten(), *node, &path, &tables);
                    if let Some(slot) = tables
                        .get_mut(ei)
                        .and_then(|t| t.field_mut(i as u32, fi as u32))
                    {
                        *slot = v;
                    }
                }
                if self.errors.len() >= MAX_ERRORS {
                    return None;
                }
            }
        }
        // The case's own fields.
        let mut fields = Vec::with_capacity(prog.case_fields.len());
        let mut year = None;
        for (ci, f) in prog.case_fields.iter().enumerate() {
            let v = match &f.ty {
                Type::Entity(_) => Value::Ref(0),
                Type::List(inner) if matches!(**inner, Type::Entity(_)) => Value::None,
                _ => self.field(
                    f,
                    root_entries.get(ci).copied().flatten(),
                    root,
                    &Path::Root("the case"),
                    &tables,
                ),
            };
            if year.is_none()
                && let Value::Year(y) = v
            {
                year = Some(y);
            }
            fields.push(v);
        }
        let year = match year {
            Some(y) => y,
            None => {
                if self.errors.is_empty() {
                    self.errors.push(
                        Diagnostic::error("E0503", "the case has no year: the policy's `case { … }` needs a field of type `year`")
                            .with_label(self.span(root), "this case"),
                    );
                }
                Year(1)
            }
        };
        Some(Case {
            year,
            fields,
            tables,
        })
    }

    /// One field of a record (or of the case): present, defaulted or missing.
    fn field(
        &mut self,
        f: &FieldDef,
        node: Option<NodeId>,
        parent: NodeId,
        path: &Path<'_>,
        tables: &[Table],
    ) -> Value {
        let fpath = Path::Key(path, &f.name);
        match node {
            Some(n) if self.tree.kind(n) != JsonKind::Null => self
                .convert(n, &f.ty, &fpath, tables)
                .unwrap_or(Value::None),
            Some(n) => match (&f.default, f.ty.is_optional()) {
                (Some(d), _) => d.clone(),
                (None, true) => Value::None,
                (None, false) => {
                    self.error(n, &fpath, "must not be null".into(), "null here");
                    Value::None
                }
            },
            None => match (&f.default, f.ty.is_optional()) {
                (Some(d), _) => d.clone(),
                (None, true) => Value::None,
                (None, false) => {
                    self.error(
                        parent,
                        path,
                        format!("`{}` is missing", f.name),
                        "this record has no such key",
                    );
                    Value::None
                }
            },
        }
    }

    fn number(&mut self, n: NodeId, path: &Path<'_>) -> Option<rust_decimal::Decimal> {
        let text = match self.tree.kind(n) {
            JsonKind::Number => self.tree.number_text(self.text, n).map(str::to_string),
            JsonKind::String => self.tree.string(self.text, n).map(|s| s.into_owned()),
            _ => {
                let kind = self.kind_name(n);
                self.error(
                    n,
                    path,
                    format!("must be a number, not {kind}"),
                    "expected a number",
                );
                return None;
            }
        }?;
        match num::parse_json_number(&text) {
            Ok(d) => Some(d),
            Err(e) => {
                let shown: String = text.chars().take(40).collect();
                self.error(
                    n,
                    path,
                    format!("\"{shown}\" is not a valid number: {e}"),
                    "not a number",
                );
                None
            }
        }
    }

    fn text_of(&mut self, n: NodeId, path: &Path<'_>, what: &str) -> Option<String> {
        if self.tree.kind(n) != JsonKind::String {
            let kind = self.kind_name(n);
            self.error(
                n,
                path,
                format!("must be {what} written as a string, not {kind}"),
                "expected a string",
            );
            return None;
        }
        self.tree.string(self.text, n).map(|s| s.into_owned())
    }

    fn convert(
        &mut self,
        n: NodeId,
        ty: &Type,
        path: &Path<'_>,
        tables: &[Table],
    ) -> Option<Value> {
        let prog = self.prog;
        match ty {
            Type::Optional(inner) => {
                if self.tree.kind(n) == JsonKind::Null {
                    Some(Value::None)
                } else {
                    self.convert(n, inner, path, tables)
                }
            }
            Type::Int => {
                let d = self.number(n, path)?;
                if !d.fract().is_zero() {
                    self.error(
                        n,
                        path,
                        format!("must be a whole number, not {d}"),
                        "not whole",
                    );
                    return None;
                }
                Some(Value::Num(d))
            }
            Type::Decimal | Type::Money | Type::Score => self.number(n, path).map(Value::Num),
            Type::Bool => match self.tree.as_bool(n) {
                Some(b) => Some(Value::Bool(b)),
                None => {
                    let kind = self.kind_name(n);
                    self.error(
                        n,
                        path,
                        format!("must be true or false, not {kind}"),
                        "expected a boolean",
                    );
                    None
                }
            },
            Type::Text => self
                .text_of(n, path, "text")
                .map(|s| Value::Text(Arc::from(s))),
            Type::Date => {
                let s = self.text_of(n, path, "a date")?;
                match period::parse_date(&s) {
                    Some(d) => Some(Value::Date(d)),
                    None => {
                        self.error(
                            n,
                            path,
                            format!("\"{}\" is not a date (YYYY-MM-DD)", clip(&s)),
                            "not a date",
                        );
                        None
                    }
                }
            }
            Type::Month => {
                let s = self.text_of(n, path, "a month")?;
                match Month::parse(&s) {
                    Some(m) => Some(Value::Month(m)),
                    None => {
                        self.error(
                            n,
                            path,
                            format!("\"{}\" is not a month (YYYY-MM)", clip(&s)),
                            "not a month",
                        );
                        None
                    }
                }
            }
            Type::Quarter => {
                let s = self.text_of(n, path, "a quarter")?;
                match Quarter::parse(&s) {
                    Some(q) => Some(Value::Quarter(q)),
                    None => {
                        self.error(
                            n,
                            path,
                            format!("\"{}\" is not a quarter (YYYY-Q1)", clip(&s)),
                            "not a quarter",
                        );
                        None
                    }
                }
            }
            Type::Year => {
                let y = match self.tree.kind(n) {
                    JsonKind::Number => self
                        .tree
                        .number_text(self.text, n)
                        .and_then(|t| t.parse::<i32>().ok()),
                    JsonKind::String => self
                        .tree
                        .string(self.text, n)
                        .and_then(|t| Year::parse(&t).map(|y| y.0)),
                    _ => None,
                };
                match y.filter(|y| (1..=9999).contains(y)) {
                    Some(y) => Some(Value::Year(Year(y))),
                    None => {
                        self.error(n, path, "must be a year such as 2022".into(), "not a year");
                        None
                    }
                }
            }
            Type::Enum(e) => {
                let s = self.text_of(n, path, "one of the listed values")?;
                let variants = &prog.enums.get(*e as usize)?.variants;
                match variants.iter().position(|v| *v == s) {
                    Some(i) => Some(Value::Enum(i as u32)),
                    None => {
                        let mut d = Diagnostic::error(
                            "E0502",
                            format!(
                                "{path}: \"{}\" is not one of {}",
                                clip(&s),
                                variants.join(", ")
                            ),
                        )
                        .with_label(self.span(n), "not a known value");
                        if let Some(c) = closest(&s, variants.iter().map(String::as_str)) {
                            d = d.with_help(format!("did you mean \"{c}\"?"));
                        }
                        self.errors.push(d);
                        None
                    }
                }
            }
            Type::Entity(e) => {
                let s = self.text_of(n, path, "a reference (the record's key)")?;
                let ent = prog.entities.get(*e as usize)?;
                match tables.get(*e as usize).and_then(|t| t.keys.get(s.as_str())) {
                    Some(r) => Some(Value::Ref(*r)),
                    None => {
                        let key = ent
                            .key
                            .and_then(|k| ent.fields.get(k as usize))
                            .map(|f| f.name.as_str())
                            .unwrap_or("key");
                        self.error(
                            n,
                            path,
                            format!("no {} with {key} \"{}\"", ent.name, clip(&s)),
                            "refers to nothing",
                        );
                        None
                    }
                }
            }
            Type::List(inner) => {
                if self.tree.kind(n) != JsonKind::Array {
                    let kind = self.kind_name(n);
                    self.error(
                        n,
                        path,
                        format!("must be an array, not {kind}"),
                        "expected `[ … ]`",
                    );
                    return None;
                }
                let items: Vec<NodeId> = self.tree.items(n).collect();
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(self.convert(item, inner, &Path::Index(path, i), tables)?);
                }
                Some(Value::List(Arc::from(out)))
            }
            Type::Map(key_ty, inner) => {
                if self.tree.kind(n) != JsonKind::Object {
                    let kind = self.kind_name(n);
                    self.error(
                        n,
                        path,
                        format!("must be an object, not {kind}"),
                        "expected `{ … }`",
                    );
                    return None;
                }
                let entries: Vec<(NodeId, NodeId)> = self.tree.entries(n).collect();
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = self
                        .tree
                        .string(self.text, k)
                        .map(|s| s.into_owned())
                        .unwrap_or_default();
                    if self.duplicates.contains(&k) {
                        self.reported_duplicates.insert(k);
                        self.error(
                            k,
                            path,
                            format!("the key `{key}` is given twice"),
                            "given again here",
                        );
                        continue;
                    }
                    if self.tree.kind(v) == JsonKind::Null {
                        continue; // null means absent
                    }
                    let item_path = Path::Key(path, &key);
                    let value = if **inner == Type::Text && self.tree.kind(v) == JsonKind::Number {
                        // Numbers are kept as written: 0 is present, not blank.
                        self.tree.number_text(self.text, v).map(Value::text)
                    } else {
                        self.convert(v, inner, &item_path, tables)
                    };
                    // Keys of `map 干部 of …` or `map 职务 of …` name records or enum values.
                    let key = match &**key_ty {
                        Type::Text => Some(Value::Text(Arc::from(key))),
                        other => self.convert(k, other, &Path::Key(path, "key"), tables),
                    };
                    if let (Some(key), Some(value)) = (key, value) {
                        out.push((key, value));
                    }
                }
                Some(Value::Map(Arc::new(MapValue::from_entries(out))))
            }
            Type::PerPeriod(g, inner) => {
                if self.tree.kind(n) != JsonKind::Object {
                    let kind = self.kind_name(n);
                    self.error(
                        n,
                        path,
                        format!("must be an object keyed by period, not {kind}"),
                        "expected `{ \"1\": … }`",
                    );
                    return None;
                }
                let count = g.per_year();
                let names: Vec<String> = (1..=count).map(|i| i.to_string()).collect();
                let known: Vec<&str> = names.iter().map(String::as_str).collect();
                let entries: Vec<(NodeId, NodeId)> = self.tree.entries(n).collect();
                let mut slots: Vec<Option<Value>> = vec![None; count];
                let mut ok = true;
                for (k, v) in entries {
                    let key = self
                        .tree
                        .string(self.text, k)
                        .map(|s| s.into_owned())
                        .unwrap_or_default();
                    if self.duplicates.contains(&k) {
                        self.reported_duplicates.insert(k);
                        self.error(
                            k,
                            path,
                            format!("the key `{key}` is given twice"),
                            "given again here",
                        );
                        ok = false;
                        continue;
                    }
                    let Some(i) = known.iter().position(|x| *x == key) else {
                        let what = period_keys(*g);
                        self.error(
                            k,
                            path,
                            format!("\"{}\" is not a {} (keys are {what})", clip(&key), g.name()),
                            "unknown period",
                        );
                        ok = false;
                        continue;
                    };
                    let item_path = Path::Key(path, &key);
                    match self.convert(v, inner, &item_path, tables) {
                        Some(value) => {
                            if let Some(s) = slots.get_mut(i) {
                                *s = Some(value);
                            }
                        }
                        None => ok = false,
                    }
                }
                let missing: Vec<&str> = known
                    .iter()
                    .zip(&slots)
                    .filter(|(_, s)| s.is_none())
                    .map(|(k, _)| *k)
                    .collect();
                if ok && !missing.is_empty() {
                    self.error(
                        n,
                        path,
                        format!("has no value for {} {}", g.name(), missing.join(", ")),
                        "every period needs a value",
                    );
                    return None;
                }
                if !ok {
                    return None;
                }
                Some(Value::PerPeriod(
                    slots.into_iter().map(Option::unwrap_or_default).collect(),
                ))
            }
            Type::NoneLit | Type::Error => Some(Value::None),
        }
    }

    /// Runs every `require` of the schema over the loaded records.
    fn check_requires(&mut self, case: &Case) {
        let prog = self.prog;
        let mut ev = super::engine::Evaluator::new(prog, case);
        let mut failures: Vec<Diagnostic> = Vec::new();
        for (ei, ent) in prog.entities.iter().enumerate() {
            if ent.requires.is_empty() {
                continue;
            }
            let Some(cf) = ent
                .case_field
                .and_then(|f| prog.case_fields.get(f as usize))
            else {
                continue;
            };
            let n = case.table(ei as u32).map(|t| t.len()).unwrap_or(0);
            for r in 0..n as u32 {
                for req in &ent.requires {
                    let outcome = ev.eval_require(&req.cond, req.frame_size, Some(r));
                    match outcome {
                        Ok(true) => {}
                        Ok(false) => {
                            let node = self
                                .record_nodes
                                .get(ei)
                                .and_then(|v| v.get(r as usize))
                                .copied();
                            let id = case
                                .table(ei as u32)
                                .map(|t| t.id(r).to_string())
                                .unwrap_or_default();
                            let path = Path::Record {
                                field: &cf.name,
                                index: r as usize,
                                id: ent.key.map(|_| id.as_str()),
                                single: matches!(cf.ty, Type::Entity(_)),
                            };
                            let field = req.at.and_then(|f| ent.fields.get(f as usize));
                            let at = match (node, field) {
                                (Some(nd), Some(f)) => {
                                    self.tree.get(self.text, nd, &f.name).or(Some(nd))
                                }
                                (nd, _) => nd,
                            };
                            let fpath = match field {
                                Some(f) => Path::Key(&path, &f.name).to_string(),
                                None => path.to_string(),
                            };
                            let mut d =
                                Diagnostic::error("E0504", format!("{fpath}: {}", req.message));
                            if let Some(a) = at {
                                d = d.with_label(self.span(a), "here");
                            }
                            d = d.with_label(req.span, "required by this rule of the schema");
                            failures.push(d);
                        }
                        Err(e) => failures.push(*e),
                    }
                    if failures.len() >= MAX_ERRORS {
                        break;
                    }
                }
            }
        }
        for req in &prog.case_requires {
            match ev.eval_require(&req.cond, req.frame_size, None) {
                Ok(true) => {}
                Ok(false) => {
                    let field = req.at.and_then(|f| prog.case_fields.get(f as usize));
                    let node = field
                        .and_then(|f| self.tree.get(self.text, self.tree.root(), &f.name))
                        .unwrap_or(self.tree.root());
                    let fpath = field
                        .map(|f| f.name.clone())
                        .unwrap_or_else(|| "the case".into());
                    failures.push(
                        Diagnostic::error("E0504", format!("{fpath}: {}", req.message))
                            .with_label(self.span(node), "here")
                            .with_label(req.span, "required by this rule of the schema"),
                    );
                }
                Err(e) => failures.push(*e),
            }
        }
        self.errors.extend(failures);
    }
}

fn clip(s: &str) -> String {
    let shown: String = s.chars().take(40).collect();
    if shown.len() < s.len() {
        format!("{shown}…")
    } else {
        shown
    }
}

fn period_keys(g: Grain) -> &'static str {
    match g {
        Grain::Year => "\"1\"",
        Grain::Quarter => "\"1\" to \"4\"",
        Grain::Month => "\"1\" to \"12\"",
    }
}
