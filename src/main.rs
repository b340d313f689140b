//! The `kaohe` command: parses arguments and runs the command on a thread with a deep stack.

use clap::Parser;
use kaohe::cli::{self, Cli, Io};
use std::io::IsTerminal;

fn main() {
    let cli = Cli::parse();
    let color = cli::use_color(cli.color);
    // Parsing and evaluation recurse over user input; give them room.
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || {
            let stdout = std::io::stdout();
            let out_is_terminal = stdout.is_terminal();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let mut err = std::io::stderr();
            let code = {
                let mut io = Io {
                    out: &mut out,
                    err: &mut err,
                    color,
                    out_is_terminal,
                };
                cli::run(cli, &mut io)
            };
            let _ = std::io::Write::flush(&mut out);
            code
        });
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("kaohe: internal error (please report it with the input that caused it)");
            101
        }
    };
    std::process::exit(code);
}
