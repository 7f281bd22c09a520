//! The floors of `src/` (doc/ARCHITECTURE.md): sys → rt → base → s6 →
//! supervise → applets. A module may import only from its own floor or a
//! lower one, and no applet imports another applet (an applet may use the
//! applet table in `applets/mod.rs`, to run another program in-process).
//! Read from the sources: every `crate::X` path (also inside
//! `use crate::{…}` groups) and every `super::` that leaves an applet.
use std::fs;
use std::path::{Path, PathBuf};

const FLOORS: &[&str] = &["sys", "rt", "base", "s6", "supervise", "applets"];

fn floor(m: &str) -> Option<usize> {
    FLOORS.iter().position(|&f| f == m)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn ident(s: &str) -> &str {
    let n = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..n]
}

/// `(module, item)` for every `crate::module::item` path in `text`.
fn crate_paths(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + 7..];
        if let Some(group) = rest.strip_prefix('{') {
            // A `use crate::{a::b, c::{d, e}}` group: its top-level entries.
            let (mut depth, mut end) = (1, 0);
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = j;
                    break;
                }
            }
            let (mut depth, mut start) = (0, 0);
            let body = &group[..end];
            let mut entries = Vec::new();
            for (j, c) in body.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        entries.push(&body[start..j]);
                        start = j + 1;
                    }
                    _ => {}
                }
            }
            entries.push(&body[start..]);
            for e in entries {
                let e = e.trim();
                let m = ident(e);
                let item = e[m.len()..].strip_prefix("::").map(ident).unwrap_or("");
                out.push((m.to_string(), item.to_string()));
            }
        } else {
            let m = ident(rest);
            let item = rest[m.len()..].strip_prefix("::").map(ident).unwrap_or("");
            out.push((m.to_string(), item.to_string()));
        }
    }
    out
}

/// Import violations in the tree under `src`.
fn violations(src: &Path) -> Vec<String> {
    let mut all = Vec::new();
    files(src, &mut all);
    let table: Vec<String> = fs::read_dir(src.join("applets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|n| n != "mod")
        .collect();
    let mut bad = Vec::new();
    for p in all {
        let rel: Vec<String> = p.strip_prefix(src).unwrap().iter().map(|c| c.to_string_lossy().into_owned()).collect();
        if rel.len() < 2 {
            continue; // lib.rs, main.rs: the top
        }
        let Some(mine) = floor(&rel[0]) else { continue };
        let applet = (rel[0] == "applets").then(|| rel[1].trim_end_matches(".rs").to_string());
        let text = fs::read_to_string(&p).unwrap();
        for (m, item) in crate_paths(&text) {
            if let Some(f) = floor(&m) {
                if f > mine {
                    bad.push(format!("{}: upward import crate::{m}", rel.join("/")));
                }
                if let Some(a) = &applet
                    && m == "applets"
                    && a != "mod"
                    && &item != a
                    && table.contains(&item)
                {
                    bad.push(format!("{}: applet imports applet crate::applets::{item}", rel.join("/")));
                }
            }
        }
        // `super::` chains that climb out of the applet's own module.
        if let Some(a) = &applet
            && a != "mod"
        {
            let depth = rel.len() - 2; // 0 for applets/x.rs, 1 for applets/x/y.rs
            let mut rest = text.as_str();
            while let Some(i) = rest.find("super::") {
                let before = &rest[..i];
                rest = &rest[i..];
                if before.ends_with("::") {
                    rest = &rest[7..];
                    continue; // counted from the first `super`
                }
                let mut n = 0;
                while let Some(r) = rest.strip_prefix("super::") {
                    n += 1;
                    rest = r;
                }
                let item = ident(rest);
                if n > depth && table.iter().any(|t| t == item) && item != a {
                    bad.push(format!("{}: applet imports applet super::{item}", rel.join("/")));
                }
            }
        }
    }
    bad
}

#[test]
fn floors_have_no_upward_import_and_applets_no_sibling() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(bad.is_empty(), "import graph violations:\n{}", bad.join("\n"));
}

/// The checker itself finds what it must.
#[test]
fn the_checker_sees_violations() {
    let d = std::env::temp_dir().join(format!("rs6-layers-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    for sub in ["sys", "base", "applets/init"] {
        fs::create_dir_all(d.join(sub)).unwrap();
    }
    fs::write(d.join("sys/a.rs"), "use crate::{rt::Args, base::diag};").unwrap();
    fs::write(d.join("base/b.rs"), "use crate::sys::fd;").unwrap();
    fs::write(d.join("applets/mod.rs"), "pub mod svc; pub mod svok; pub mod init;").unwrap();
    fs::write(d.join("applets/svc.rs"), "use super::svok::x; use crate::applets::dispatch;").unwrap();
    fs::write(d.join("applets/svok.rs"), "fn f() { crate::applets::init::g() }").unwrap();
    fs::write(d.join("applets/init/mod.rs"), "use super::super::svc;").unwrap();
    fs::write(d.join("applets/init/x.rs"), "use super::stage; mod tests { use super::*; }").unwrap();
    let mut bad = violations(&d);
    bad.sort();
    let _ = fs::remove_dir_all(&d);
    assert_eq!(
        bad,
        [
            "applets/init/mod.rs: applet imports applet super::svc",
            "applets/svc.rs: applet imports applet super::svok",
            "applets/svok.rs: applet imports applet crate::applets::init",
            "sys/a.rs: upward import crate::base",
            "sys/a.rs: upward import crate::rt",
        ]
    );
}
