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
use std::borrow::Cow;
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
pub(super) enum Path<'a> {
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
            Path::Key(p, k) => write!(f, "{p}.{}", clip(k)),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// The keys of a per-period object: "1" to "4" for quarters, to "12" for months.
const PERIOD_KEYS: [&str; 12] = [
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
];

/// One entity's converted values and what converting them found.
struct Converted {
    values: Option<Vec<Value>>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// Malformed JSON, at the character where reading stopped.
fn json_error(source: SourceId, text: &str, e: &json::JsonError, what: &str) -> Diagnostic {
    let end = text
        .get(e.offset..)
        .and_then(|r| r.chars().next())
        .map(|c| e.offset + c.len_utf8())
        .unwrap_or(e.offset);
    Diagnostic::error("E0501", format!("{what} is not valid JSON: {}", e.message))
        .with_label(Span::new(source, e.offset, end), e.message.clone())
}

/// How many errors are reported before the loader stops looking.
pub(super) const MAX_ERRORS: usize = 100;

pub fn load_case(prog: &Program, source: SourceId, text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let tree = json::parse(text).map_err(|e| {
        vec![
            json_error(source, text, &e, "the case")
                .with_help("nothing was evaluated; fix the file and run again"),
        ]
    })?;
    let mut loader = Loader::new(prog, source, text, &tree);
    loader.record_nodes = vec![Vec::new(); prog.entities.len()];
    let case = loader.load();
    loader.leftover_duplicates();
    let case = match case {
        Some(c) if loader.errors.is_empty() => c,
        Some(c) => {
            // Report the `require`s the records that did load break too, so
            // that one run lists every problem it can.
            if loader.errors.len() < MAX_ERRORS
                && !loader.bad_records.iter().any(|(e, _)| *e == usize::MAX)
            {
                loader.check_requires(&c);
            }
            return Err(loader.finish_errors());
        }
        None => return Err(loader.finish_errors()),
    };
    loader.check_uniques(&case);
    loader.check_requires(&case);
    if !loader.errors.is_empty() {
        return Err(loader.finish_errors());
    }
    Ok(Loaded {
        case,
        warnings: loader.warnings,
    })
}

pub(super) struct Loader<'a> {
    pub(super) prog: &'a Program,
    pub(super) source: SourceId,
    pub(super) text: &'a str,
    pub(super) tree: &'a JsonTree,
    pub(super) errors: Vec<Diagnostic>,
    pub(super) warnings: Vec<Diagnostic>,
    pub(super) duplicates: HashSet<NodeId>,
    pub(super) reported_duplicates: HashSet<NodeId>,
    /// Each record's JSON object, per entity.
    pub(super) record_nodes: Vec<Vec<NodeId>>,
    /// `(entity, record)` of records with an error in a field (`usize::MAX` for
    /// the case's own fields): their `require`s are not checked.
    pub(super) bad_records: HashSet<(usize, usize)>,
    pub(super) interned: HashMap<String, Arc<str>>,
}

impl<'a> Loader<'a> {
    /// A loader with nothing found yet and no records seen.
    fn new(prog: &'a Program, source: SourceId, text: &'a str, tree: &'a JsonTree) -> Loader<'a> {
        Loader {
            prog,
            source,
            text,
            tree,
            errors: Vec::new(),
            warnings: Vec::new(),
            duplicates: tree
                .duplicate_keys
                .iter()
                .map(|(_, second)| *second)
                .collect(),
            reported_duplicates: HashSet::new(),
            record_nodes: Vec::new(),
            bad_records: HashSet::new(),
            interned: HashMap::new(),
        }
    }

    pub(super) fn span(&self, node: NodeId) -> Span {
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
            if self.is_duplicate(k) {
                let key = key.into_owned();
                self.reported_duplicates.insert(k);
                self.error(
                    k,
                    path,
                    format!("the key `{}` is given twice", clip(&key)),
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
                        format!("{path}: unknown key `{}` (ignored)", clip(&key)),
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
                format!("the key `{}` is given twice in one object", clip(&key)),
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
        // Second pass: every field of every record, the entities shared out
        // between this thread and one more (each record's conversion is its own).
        if !self.convert_all(&mut tables) {
            return None;
        }
        // The case's own fields.
        let mut fields = Vec::with_capacity(prog.case_fields.len());
        let mut year = None;
        for (ci, f) in prog.case_fields.iter().enumerate() {
            let errors_before = self.errors.len();
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
            if self.errors.len() > errors_before {
                self.bad_records.insert((usize::MAX, ci));
            }
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
            JsonKind::Number => self.tree.number_text(self.text, n).map(Cow::Borrowed),
            JsonKind::String => self.tree.string(self.text, n),
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
                let shown = clip(&text);
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

    /// A date, month or quarter written as text in its one accepted shape.
    fn calendar<T>(
        &mut self,
        n: NodeId,
        path: &Path<'_>,
        what: &str,
        shape: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let s = self.text_of(n, path, what)?;
        let parsed = parse(&s);
        if parsed.is_none() {
            let message = format!("\"{}\" is not {what} ({shape})", clip(&s));
            self.error(n, path, message, &format!("not {what}"));
        }
        parsed
    }

    fn text_of(&mut self, n: NodeId, path: &Path<'_>, what: &str) -> Option<Cow<'a, str>> {
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
        self.tree.string(self.text, n)
    }

    /// Shares the entities out between this thread and a second one (the
    /// biggest tables apart), converts their fields, and keeps errors and
    /// warnings in entity order. False when there were too many errors.
    fn convert_all(&mut self, tables: &mut [Table]) -> bool {
        let prog = self.prog;
        let mut sizes: Vec<(usize, usize)> = (0..prog.entities.len())
            .map(|ei| (ei, tables.get(ei).map(Table::len).unwrap_or(0)))
            .collect();
        sizes.sort_by_key(|(ei, n)| (std::cmp::Reverse(*n), *ei));
        let (mut mine, mut theirs) = (Vec::new(), Vec::new());
        let (mut load_mine, mut load_theirs) = (0, 0);
        for (ei, n) in sizes {
            if load_mine <= load_theirs {
                mine.push(ei);
                load_mine += n;
            } else {
                theirs.push(ei);
                load_theirs += n;
            }
        }
        let mut fork = self.fork();
        let shared: &[Table] = tables;
        let (mut done, forked) = std::thread::scope(|s| {
            let helper = s.spawn(|| {
                let out: Vec<(usize, Converted)> = theirs
                    .iter()
                    .map(|ei| (*ei, fork.convert_entity(*ei, shared)))
                    .collect();
                (out, fork)
            });
            let mine: Vec<(usize, Converted)> = mine
                .iter()
                .map(|ei| (*ei, self.convert_entity(*ei, shared)))
                .collect();
            (mine, helper.join())
        });
        let Ok((theirs_done, fork)) = forked else {
            return false;
        };
        self.bad_records.extend(fork.bad_records);
        self.reported_duplicates.extend(fork.reported_duplicates);
        done.extend(theirs_done);
        done.sort_by_key(|(ei, _)| *ei);
        for (ei, c) in done {
            self.errors.extend(c.errors);
            self.warnings.extend(c.warnings);
            if let (Some(values), Some(t)) = (c.values, tables.get_mut(ei)) {
                t.values = values;
            }
        }
        self.errors.len() < MAX_ERRORS
    }

    /// A loader for another thread: the same case, its own findings.
    fn fork(&self) -> Loader<'a> {
        let mut fork = Loader::new(self.prog, self.source, self.text, self.tree);
        fork.record_nodes = self.record_nodes.clone();
        fork
    }

    /// Every field of one entity's records, row by row, with the findings.
    fn convert_entity(&mut self, ei: usize, tables: &[Table]) -> Converted {
        let prog = self.prog;
        let (errors_at, warnings_at) = (self.errors.len(), self.warnings.len());
        let mut values = tables.get(ei).map(|t| t.values.clone()).unwrap_or_default();
        if let Some(ent) = prog.entities.get(ei) {
            self.convert_records(ei, ent, tables, &mut values);
        }
        Converted {
            values: Some(values),
            errors: self.errors.split_off(errors_at.min(self.errors.len())),
            warnings: self
                .warnings
                .split_off(warnings_at.min(self.warnings.len())),
        }
    }

    fn convert_records(
        &mut self,
        ei: usize,
        ent: &crate::check::ir::EntityDef,
        tables: &[Table],
        values: &mut [Value],
    ) {
        let prog = self.prog;
        let field_count = ent.fields.len();
        let Some(cf) = ent
            .case_field
            .and_then(|f| prog.case_fields.get(f as usize))
        else {
            return;
        };
        let known: Vec<&str> = ent.fields.iter().map(|f| f.name.as_str()).collect();
        let nodes = self.record_nodes.get(ei).cloned().unwrap_or_default();
        let positions = self.positions(&cf.name);
        let key_field = ent.key.and_then(|k| ent.fields.get(k as usize));
        for (i, node) in nodes.iter().enumerate() {
            let id: Option<Arc<str>> = tables.get(ei).and_then(|t| t.ids.get(i).cloned());
            // A missing or non-text key was reported by the first pass: not again,
            // and its placeholder id is not shown.
            let key_ok = key_field.is_none_or(|kf| {
                self.tree
                    .get(self.text, *node, &kf.name)
                    .is_some_and(|kn| self.tree.kind(kn) == JsonKind::String)
            });
            let path = Path::Record {
                field: &cf.name,
                index: positions.get(i).copied().unwrap_or(i),
                id: if key_ok {
                    ent.key.and(id.as_deref())
                } else {
                    None
                },
                single: matches!(cf.ty, Type::Entity(_)),
            };
            let errors_before = self.errors.len();
            let entries = self.entries(*node, &path, &known);
            for (fi, f) in ent.fields.iter().enumerate() {
                if !key_ok && ent.key.is_some_and(|k| k as usize == fi) {
                    continue;
                }
                let v = self.field(f, entries.get(fi).copied().flatten(), *node, &path, tables);
                if let Some(slot) = values.get_mut(i * field_count + fi) {
                    *slot = v;
                }
            }
            if self.errors.len() > errors_before {
                self.bad_records.insert((ei, i));
            }
            if self.errors.len() >= MAX_ERRORS {
                return;
            }
        }
    }

    /// An object's entries with their keys; a key given twice is reported and left out.
    fn keyed_entries(
        &mut self,
        obj: NodeId,
        path: &Path<'_>,
    ) -> Vec<(NodeId, Cow<'a, str>, NodeId)> {
        let entries: Vec<(NodeId, NodeId)> = self.tree.entries(obj).collect();
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let key = self.tree.string(self.text, k).unwrap_or_default();
            if self.is_duplicate(k) {
                self.reported_duplicates.insert(k);
                let message = format!("the key `{}` is given twice", clip(&key));
                self.error(k, path, message, "given again here");
                continue;
            }
            out.push((k, key, v));
        }
        out
    }

    /// Whether a key node repeats an earlier key of its object (rare: checked cheaply first).
    fn is_duplicate(&self, k: NodeId) -> bool {
        !self.duplicates.is_empty() && self.duplicates.contains(&k)
    }

    /// One shared copy of each map key (the same item names recur in every record).
    fn intern(&mut self, key: &str) -> Arc<str> {
        if let Some(k) = self.interned.get(key) {
            return k.clone();
        }
        let k: Arc<str> = Arc::from(key);
        self.interned.insert(key.to_string(), k.clone());
        k
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
                .map(|s| Value::Text(Arc::from(s.as_ref()))),
            Type::Date => self
                .calendar(n, path, "a date", "YYYY-MM-DD", period::parse_date)
                .map(Value::Date),
            Type::Month => self
                .calendar(n, path, "a month", "YYYY-MM", Month::parse)
                .map(Value::Month),
            Type::Quarter => self
                .calendar(n, path, "a quarter", "YYYY-Q1", Quarter::parse)
                .map(Value::Quarter),
            Type::Year => {
                // A year is a JSON integer (spec of the case format), not a string.
                let y = match self.tree.kind(n) {
                    JsonKind::Number => self
                        .tree
                        .number_text(self.text, n)
                        .and_then(|t| t.parse::<i32>().ok()),
                    _ => None,
                };
                match y.filter(|y| (1..=9999).contains(y)) {
                    Some(y) => Some(Value::Year(Year(y))),
                    None => {
                        let kind = match self.tree.kind(n) {
                            JsonKind::Number => {
                                clip(self.tree.number_text(self.text, n).unwrap_or(""))
                            }
                            _ => self.kind_name(n).to_string(),
                        };
                        self.error(
                            n,
                            path,
                            format!("must be a year written as a whole JSON number such as 2022, not {kind}"),
                            "not a year",
                        );
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
                match tables.get(*e as usize).and_then(|t| t.keys.get(s.as_ref())) {
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
                let entries = self.keyed_entries(n, path);
                let mut out = Vec::with_capacity(entries.len());
                for (k, key, v) in entries {
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
                        Type::Text => Some(Value::Text(self.intern(&key))),
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
                let known: &[&str] = PERIOD_KEYS.get(..count).unwrap_or(&PERIOD_KEYS);
                let errors_before = self.errors.len();
                let entries = self.keyed_entries(n, path);
                let mut slots: Vec<Option<Value>> = vec![None; count];
                let mut ok = self.errors.len() == errors_before;
                for (k, key, v) in entries {
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

    /// Each record's position in the JSON array of the case field `name`
    /// (records that are not objects were skipped when loading).
    pub(super) fn positions(&self, name: &str) -> Vec<usize> {
        match self.tree.get(self.text, self.tree.root(), name) {
            Some(arr) if self.tree.kind(arr) == JsonKind::Array => self
                .tree
                .items(arr)
                .enumerate()
                .filter(|(_, x)| self.tree.kind(*x) == JsonKind::Object)
                .map(|(i, _)| i)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Text from the case as a message shows it: at most 40 characters, and
/// control characters escaped (never sent to the terminal as they are).
pub(super) fn clip(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == 40 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn period_keys(g: Grain) -> &'static str {
    match g {
        Grain::Year => "\"1\"",
        Grain::Quarter => "\"1\" to \"4\"",
        Grain::Month => "\"1\" to \"12\"",
    }
}

/// One record written as a JSON object (the REPL's `:add`), converted by the
/// entity's schema; references are resolved among `case`'s records.
pub struct LoadedRecord {
    /// One value per field of the entity.
    pub values: Vec<Value>,
    /// The key field's text, for an entity with a key.
    pub key: Option<Arc<str>>,
    pub warnings: Vec<Diagnostic>,
}

/// Converts one record of `entity` from JSON `text` (held in `source`), as a case file's record would be.
pub fn load_record(
    prog: &Program,
    case: &Case,
    entity: crate::check::types::EntityId,
    source: SourceId,
    text: &str,
) -> Result<LoadedRecord, Vec<Diagnostic>> {
    let tree = json::parse(text).map_err(|e| vec![json_error(source, text, &e, "the record")])?;
    let Some(ent) = prog.entities.get(entity as usize) else {
        return Err(vec![Diagnostic::error(
            "E0699",
            "internal error: unknown entity",
        )]);
    };
    let mut loader = Loader::new(prog, source, text, &tree);
    let root = tree.root();
    let path = Path::Root(&ent.name);
    if tree.kind(root) != JsonKind::Object {
        let kind = loader.kind_name(root);
        loader.error(
            root,
            &path,
            format!("a record must be an object, not {kind}"),
            "expected `{ … }`",
        );
        return Err(loader.errors);
    }
    let known: Vec<&str> = ent.fields.iter().map(|f| f.name.as_str()).collect();
    let entries = loader.entries(root, &path, &known);
    let values: Vec<Value> = ent
        .fields
        .iter()
        .enumerate()
        .map(|(fi, f)| {
            let node = entries.get(fi).copied().flatten();
            loader.field(f, node, root, &path, &case.tables)
        })
        .collect();
    loader.leftover_duplicates();
    if !loader.errors.is_empty() {
        return Err(loader.errors);
    }
    let key = match ent.key.and_then(|k| values.get(k as usize)) {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    };
    Ok(LoadedRecord {
        values,
        key,
        warnings: loader.warnings,
    })
}
