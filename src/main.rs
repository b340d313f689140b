fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut sm = kaohe::diagnostic::SourceMap::new();
    let id = sm.add(path.clone(), text.clone());
    match kaohe::syntax::parse_policy(id, &text) {
        Err(d) => print!("{}", kaohe::render::render_all(&d, &sm, false)),
        Ok(p) => {
            let c = kaohe::check::check(&[p]);
            print!("{}", kaohe::render::render_all(&c.diagnostics, &sm, false));
            println!("ok={}", c.program.is_some());
        }
    }
}
