//! `kaohe repl [POLICY [CASE]]`: the what-if REPL, with a line editor on a
//! terminal and line by line when piped; and `--scenario FILE` for `eval` and `explain`.

use super::Io;
use crate::check::ir::Program;
use crate::diagnostic::SourceMap;
use crate::eval::case::Case;
use crate::eval::engine::ParamValues;
use crate::repl::{Repl, Reply, complete, frontend, scenario_file};
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

pub struct ReplArgs {
    pub policy: Option<PathBuf>,
    pub case: Option<PathBuf>,
    pub scenario: Option<PathBuf>,
}

fn write(io: &mut Io<'_>, reply: &Reply) {
    let _ = io.out.write_all(reply.out.as_bytes());
    let _ = io.out.flush();
    let _ = io.err.write_all(reply.err.as_bytes());
    let _ = io.err.flush();
}

pub fn run(args: &ReplArgs, io: &mut Io<'_>) -> i32 {
    let mut repl = match &args.policy {
        None => Repl::empty(),
        Some(p) => match Repl::new(std::slice::from_ref(p), args.case.as_deref()) {
            Ok(r) => r,
            Err(e) => {
                let _ = io.err.write_all(e.render(io.color).as_bytes());
                return e.code;
            }
        },
    };
    repl.set_color(io.color);
    let interactive = std::io::stdin().is_terminal() && io.out_is_terminal;
    let mut greeting = repl.greeting();
    if !interactive {
        greeting.out.clear();
    }
    write(io, &greeting);
    if let Some(s) = &args.scenario {
        let reply = repl.handle(&format!(":load {}", s.display()));
        write(io, &reply);
        if reply.failed {
            return 2;
        }
    }
    if interactive {
        let color = io.color;
        return frontend::run(&mut repl, io.out, io.err, color);
    }
    piped(&mut repl, std::io::stdin().lock(), io)
}

/// Reads inputs line by line (an unfinished input continues on the next line);
/// exit 1 if any input failed.
pub fn piped(repl: &mut Repl, mut input: impl BufRead, io: &mut Io<'_>) -> i32 {
    let mut buffer = String::new();
    let mut failed = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        // A command never continues an unfinished input: that input is given up as it is.
        let command = text.trim_start().strip_prefix(':');
        if !buffer.is_empty() && command.is_some_and(|c| c.starts_with(char::is_alphabetic)) {
            let reply = repl.handle(&buffer);
            buffer.clear();
            write(io, &reply);
            failed |= reply.failed;
        }
        if !buffer.is_empty() {
            buffer.push('\n');
        }
        buffer.push_str(text.trim_end_matches(['\n', '\r']));
        if !complete::is_complete(&buffer) {
            continue;
        }
        let reply = repl.handle(&buffer);
        buffer.clear();
        write(io, &reply);
        failed |= reply.failed;
        if reply.quit {
            return i32::from(failed);
        }
    }
    if !buffer.trim().is_empty() {
        let reply = repl.handle(&buffer);
        write(io, &reply);
        failed |= reply.failed;
    }
    i32::from(failed)
}

/// `--scenario FILE`: the case with the scenario applied (`None` without one), its
/// parameter changes in `params` with `--set` applied again on top; `Err` is the exit code.
pub(super) fn scenario(
    prog: &Program,
    path: Option<&Path>,
    (case, params, sets): (&Case, &mut Vec<ParamValues>, &[String]),
    sources: &mut SourceMap,
    io: &mut Io<'_>,
) -> Result<Option<Case>, i32> {
    let Some(path) = path else {
        return Ok(None);
    };
    match scenario_file::apply_file(prog, path, case, params, sources) {
        Ok((state, warnings)) => {
            io.diagnostics(&warnings, sources);
            *params = state.params;
            for set in sets {
                if let Err(d) = super::eval_cmd::apply_set(prog, set, params, sources) {
                    io.diagnostics(&d, sources);
                    return Err(1);
                }
            }
            Ok(Some(state.case))
        }
        Err(d) => {
            io.diagnostics(&d, sources);
            Err(2)
        }
    }
}
