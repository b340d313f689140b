//! The REPL's `:` commands: their names and arguments, the help, and parsing a line into one.

use crate::check::suggest::closest;
use crate::diagnostic::Diagnostic;

/// One parsed `:` command.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Help(Option<String>),
    Quit,
    Set {
        target: String,
        value: String,
    },
    Field {
        entity: String,
        id: String,
        field: String,
        period: Option<String>,
        value: String,
    },
    Add {
        entity: String,
        json: String,
    },
    Remove {
        entity: String,
        id: String,
    },
    Diff {
        json: bool,
        filters: Vec<String>,
    },
    Undo,
    Reset,
    Changes,
    Save(String),
    Load(String),
    Why {
        entity: String,
        id: String,
        period: String,
        name: String,
    },
    Reload,
    Policy(Vec<String>),
    LoadCase(String),
    Params,
    Show {
        entity: String,
        id: String,
    },
}

/// A command's name, its arguments and what it does.
pub struct Spec {
    pub name: &'static str,
    pub args: &'static str,
    pub about: &'static str,
}

/// Every command, in the order `:help` lists them.
pub const COMMANDS: &[Spec] = &[
    Spec {
        name: "set",
        args: "TARGET = VALUE",
        about: "what if: a parameter (`奖金月额 = 800元`, `等级奖金[优秀] = 400元`) or a record's field (`公司.等级 = 优秀`, `员工(\"S003\").得分[2022-Q1] = 90分`)",
    },
    Spec {
        name: "field",
        args: "ENTITY ID FIELD[PERIOD] = VALUE",
        about: "the same for a record named by its id (`:field 事件 E03 已核实 = true`, `:field 报告 [3] 日期 = 2022-02-03`)",
    },
    Spec {
        name: "add",
        args: "ENTITY {JSON}",
        about: "what if this record existed: written as in the case file",
    },
    Spec {
        name: "remove",
        args: "ENTITY ID",
        about: "what if this record did not exist (refused while others refer to it)",
    },
    Spec {
        name: "diff",
        args: "[--json] [WORD…]",
        about: "every output that differs from the baseline, before → after, with counts and totals per name; WORDs keep the lines naming them (an entity, id, period or name)",
    },
    Spec {
        name: "changes",
        args: "",
        about: "the scenario's changes, in order",
    },
    Spec {
        name: "undo",
        args: "",
        about: "drop the last change",
    },
    Spec {
        name: "reset",
        args: "",
        about: "drop every change: back to the baseline",
    },
    Spec {
        name: "save",
        args: "FILE",
        about: "write the scenario as JSON (`kaohe eval … --scenario FILE` applies it)",
    },
    Spec {
        name: "load",
        args: "FILE",
        about: "replace the scenario with one saved before",
    },
    Spec {
        name: "why",
        args: "ENTITY ID PERIOD NAME",
        about: "explain one value in the scenario (`:why 员工 S003 2022-Q1 奖金`)",
    },
    Spec {
        name: "params",
        args: "",
        about: "the parameters and their values (changed ones marked *)",
    },
    Spec {
        name: "show",
        args: "ENTITY ID",
        about: "a record's fields in the scenario",
    },
    Spec {
        name: "reload",
        args: "",
        about: "read the policy and case files again, keeping the scenario",
    },
    Spec {
        name: "policy",
        args: "FILE…",
        about: "switch to other policy files (as :reload)",
    },
    Spec {
        name: "load-case",
        args: "FILE",
        about: "switch to another case file (as :reload)",
    },
    Spec {
        name: "help",
        args: "[COMMAND]",
        about: "this list, or one command",
    },
    Spec {
        name: "quit",
        args: "",
        about: "leave (also :q, :exit, Ctrl-D)",
    },
];

/// Names that also work: `:q`, `:exit`, `:h`, `:?`.
const ALIASES: &[(&str, &str)] = &[
    ("q", "quit"),
    ("exit", "quit"),
    ("h", "help"),
    ("?", "help"),
];

/// The help: every command, or one.
pub fn help(topic: Option<&str>) -> Result<String, Diagnostic> {
    if let Some(t) = topic {
        let t = t.trim_start_matches(':');
        let name = ALIASES.iter().find(|(a, _)| *a == t).map_or(t, |(_, n)| n);
        let Some(s) = COMMANDS.iter().find(|s| s.name == name) else {
            return Err(unknown(t));
        };
        let head = format!(":{} {}", s.name, s.args);
        return Ok(format!("{}\n    {}\n", head.trim_end(), s.about));
    }
    let mut out = String::from(
        "Type an expression to evaluate it in the scenario, e.g.\n    员工(\"S003\").奖金[2022-Q1]\n    sum(p.奖金[2022-Q1] for p in 员工)\nCommands:\n",
    );
    for s in COMMANDS {
        let head = format!(":{} {}", s.name, s.args);
        out.push_str(&format!("  {}\n      {}\n", head.trim_end(), s.about));
    }
    out.push_str("Values are kaohe literals (800元, 90分, true, 优秀, 2022-02-03, \"text\"); a reference is 部门(\"U03\") or \"U03\".\n");
    Ok(out)
}

fn unknown(name: &str) -> Diagnostic {
    if name.is_empty() {
        return Diagnostic::error("E0801", "a command's name is missing after `:`")
            .with_help("`:help` lists the commands");
    }
    let mut names: Vec<&str> = COMMANDS.iter().map(|s| s.name).collect();
    names.extend(ALIASES.iter().map(|(a, _)| *a));
    let d = Diagnostic::error("E0801", format!("no command `:{name}`"));
    match closest(name, names) {
        Some(s) => d.with_help(format!("did you mean `:{s}`? (`:help` lists the commands)")),
        None => d.with_help("`:help` lists the commands"),
    }
}

fn usage(name: &str, why: &str) -> Diagnostic {
    let args = COMMANDS
        .iter()
        .find(|s| s.name == name)
        .map_or("", |s| s.args);
    let form = format!(":{name} {args}");
    Diagnostic::error("E0802", format!("`:{name}` {why}"))
        .with_help(format!("write `{}`", form.trim_end()))
}

/// Parses a line starting with `:`.
pub fn parse(line: &str) -> Result<Command, Diagnostic> {
    let body = line.trim().strip_prefix(':').unwrap_or(line.trim());
    let (name, rest) = match body.find(char::is_whitespace) {
        Some(i) => (
            body.get(..i).unwrap_or(""),
            body.get(i..).unwrap_or("").trim(),
        ),
        None => (body, ""),
    };
    let name = ALIASES
        .iter()
        .find(|(a, _)| *a == name)
        .map_or(name, |(_, n)| n);
    let words: Vec<&str> = rest.split_whitespace().collect();
    let none = |c: Command| {
        if rest.is_empty() {
            Ok(c)
        } else {
            Err(usage(name, "takes no arguments"))
        }
    };
    match name {
        "help" => match words.as_slice() {
            [] => Ok(Command::Help(None)),
            [t] => Ok(Command::Help(Some(t.to_string()))),
            _ => Err(usage(name, "takes at most one command name")),
        },
        "quit" => none(Command::Quit),
        "undo" => none(Command::Undo),
        "reset" => none(Command::Reset),
        "changes" => none(Command::Changes),
        "reload" => none(Command::Reload),
        "params" => none(Command::Params),
        "set" => {
            let (target, value) =
                split_assign(rest).ok_or_else(|| usage(name, "needs a target, `=` and a value"))?;
            Ok(Command::Set { target, value })
        }
        "field" => {
            let (left, value) =
                split_assign(rest).ok_or_else(|| usage(name, "needs `=` and a value"))?;
            let [entity, id, field] = left.split_whitespace().collect::<Vec<_>>()[..] else {
                return Err(usage(
                    name,
                    "names an entity, a record's id and a field before `=`",
                ));
            };
            let (field, period) = match field.split_once('[') {
                Some((f, p)) => match p.strip_suffix(']') {
                    Some(p) if !f.is_empty() && !p.is_empty() => (f, Some(p.to_string())),
                    _ => return Err(usage(name, "needs the period as FIELD[2022-Q1]")),
                },
                None => (field, None),
            };
            Ok(Command::Field {
                entity: entity.into(),
                id: id.into(),
                field: field.into(),
                period,
                value,
            })
        }
        "add" => {
            let Some((entity, json)) = rest
                .split_once(char::is_whitespace)
                .filter(|(_, j)| !j.trim().is_empty())
            else {
                return Err(usage(
                    name,
                    "needs an entity and the record as a JSON object",
                ));
            };
            Ok(Command::Add {
                entity: entity.into(),
                json: json.trim().into(),
            })
        }
        "remove" | "show" => match words.as_slice() {
            [e, id] => Ok(if name == "remove" {
                Command::Remove {
                    entity: e.to_string(),
                    id: id.to_string(),
                }
            } else {
                Command::Show {
                    entity: e.to_string(),
                    id: id.to_string(),
                }
            }),
            _ => Err(usage(name, "needs an entity and a record's id")),
        },
        "diff" => Ok(Command::Diff {
            json: words.contains(&"--json"),
            filters: words
                .iter()
                .filter(|w| **w != "--json")
                .map(|w| w.to_string())
                .collect(),
        }),
        "save" | "load" | "load-case" => {
            let path = rest.trim_matches('"');
            if path.is_empty() {
                return Err(usage(name, "needs a file name"));
            }
            Ok(match name {
                "save" => Command::Save(path.into()),
                "load" => Command::Load(path.into()),
                _ => Command::LoadCase(path.into()),
            })
        }
        "policy" => match words.is_empty() {
            true => Err(usage(name, "needs one or more policy files")),
            false => Ok(Command::Policy(
                words.iter().map(|w| w.to_string()).collect(),
            )),
        },
        "why" => match words.as_slice() {
            [entity, id, period, n] => Ok(Command::Why {
                entity: entity.to_string(),
                id: id.to_string(),
                period: period.to_string(),
                name: n.to_string(),
            }),
            _ => Err(usage(
                name,
                "needs an entity, a record's id, a period and a value's name",
            )),
        },
        _ => Err(unknown(name)),
    }
}

/// `TARGET = VALUE` split at the first `=` outside brackets and strings that is not part of `==`, `!=`, `<=`, `>=` or `=>`.
pub fn split_assign(s: &str) -> Option<(String, String)> {
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    let mut prev = ' ';
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|(_, c)| *c).unwrap_or(' ');
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else {
            match c {
                '"' => in_string = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                '=' if depth == 0 && !"=!<>".contains(prev) && !"=>".contains(next) => {
                    let (l, r) = (s.get(..i)?.trim(), s.get(i + 1..)?.trim());
                    return (!l.is_empty() && !r.is_empty())
                        .then(|| (l.to_string(), r.to_string()));
                }
                _ => {}
            }
        }
        prev = c;
    }
    None
}
