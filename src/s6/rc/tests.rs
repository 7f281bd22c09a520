use super::*;
use std::path::PathBuf;

struct Dir(PathBuf);
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tmp(tag: &str) -> Dir {
    let p = std::env::temp_dir().join(format!("rs6-rc-{}-{}", tag, std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    Dir(p)
}

/// `spec`: "name type dep,dep" lines (bundles list members).
fn tree(d: &Dir, spec: &str) {
    for l in spec.lines().filter(|l| !l.trim().is_empty()) {
        let w: Vec<&str> = l.split_whitespace().collect();
        let s = d.0.join(w[0]);
        std::fs::create_dir_all(&s).unwrap();
        std::fs::write(s.join("type"), format!("{}\n", w[1])).unwrap();
        let sub = if w[1] == "bundle" { "contents.d" } else { "dependencies.d" };
        std::fs::create_dir_all(s.join(sub)).unwrap();
        for dep in w.get(2).map(|x| x.split(',').collect()).unwrap_or(vec![]) {
            std::fs::write(s.join(sub).join(dep), "").unwrap();
        }
        match w[1] {
            "oneshot" => std::fs::write(s.join("up"), "echo up\n").unwrap(),
            "longrun" => std::fs::write(s.join("run"), "#!/bin/sh\n").unwrap(),
            _ => {}
        }
    }
}

fn load(d: &Dir) -> Result<Db, Error> {
    super::source::load(&[d.0.to_str().unwrap().as_bytes()], false)
}

fn msg(r: Result<Db, Error>) -> String {
    let mut l = crate::base::diag::Line::new();
    r.err().expect("an error").text(&mut l);
    String::from_utf8_lossy(l.as_bytes()).into_owned()
}

fn names_of(db: &Db, l: &[u16]) -> Vec<String> {
    l.iter().map(|&i| String::from_utf8_lossy(db.get(i).name).into_owned()).collect()
}

#[test]
fn list_files() {
    let v: Vec<&[u8]> = names(b"  a\n\n# c\n\tb \nb\n").collect();
    assert_eq!(v, vec![&b"a"[..], b"b ", b"b"]);
}

#[test]
fn resolves_bundles_and_dependencies() {
    let d = tmp("ok");
    tree(&d, "a oneshot base\nb oneshot a\nc longrun a,b\ninner bundle b,c\nouter bundle inner,a\nuser bundle outer\n");
    let db = load(&d).unwrap();
    let o = db.find(b"outer").unwrap();
    let mut m = names_of(&db, db.get(o).members);
    m.sort();
    assert_eq!(m, ["a", "b", "c"]);
    let a = db.find(b"a").unwrap();
    assert_eq!(names_of(&db, db.get(a).deps), ["fix-attrs", "legacy-cont-init"]);
    let ls = db.find(b"legacy-services").unwrap();
    let mut deps = names_of(&db, db.get(ls).deps);
    deps.sort();
    assert_eq!(deps, ["a", "b", "c", "fix-attrs", "legacy-cont-init"]);
    assert!(names_of(&db, db.get(a).rdeps).contains(&"b".to_string()));
    let top = db.find(b"top").unwrap();
    assert_eq!(db.get(top).members.len(), 6);
}

#[test]
fn errors_name_service_and_file() {
    let d = tmp("undef");
    tree(&d, "a oneshot nosuch\n");
    assert_eq!(
        msg(load(&d)),
        format!(
            "during dependency resolution for service a: undefined service name nosuch (in {}/a/dependencies.d)",
            d.0.display()
        )
    );
    let d = tmp("cycle");
    tree(&d, "a oneshot b\nb oneshot c\nc longrun a\n");
    assert!(msg(load(&d)).starts_with("cyclic service dependency: "), "{}", msg(load(&d)));
    assert!(
        msg(load(&d)).ends_with(
            ", which depends on it (in {}/c/dependencies.d)".replace("{}", &d.0.display().to_string()).as_str()
        ) || msg(load(&d)).contains("depends on")
    );
    let d = tmp("self");
    tree(&d, "a oneshot a\n");
    assert!(msg(load(&d)).contains("a depends on a"));
    let d = tmp("bcycle");
    tree(&d, "x bundle y\ny bundle x\n");
    assert!(msg(load(&d)).starts_with("cyclic bundle definition: resolution of "));
    let d = tmp("type");
    tree(&d, "a daemon\n");
    assert_eq!(
        msg(load(&d)),
        format!("invalid type for service a: must be oneshot, longrun, or bundle (in {}/a/type)", d.0.display())
    );
    let d = tmp("bundle-undef");
    tree(&d, "x bundle nope\n");
    assert!(
        msg(load(&d)).starts_with("during resolution of bundle x: undefined service name nope (in "),
        "{}",
        msg(load(&d))
    );
    let d = tmp("dup");
    tree(&d, "base oneshot\n");
    assert!(msg(load(&d)).starts_with("duplicate service definition: base is defined twice"), "{}", msg(load(&d)));
    let d = tmp("reserved");
    tree(&d, "a oneshot s6rc-oneshot-runner\n");
    assert_eq!(msg(load(&d)), "in a: identifier s6rc-oneshot-runner starts with reserved prefix");
}

#[test]
fn type_and_number_quirks() {
    let d = tmp("quirks");
    tree(&d, "a oneshot\nb longrun\n");
    std::fs::write(d.0.join("a/type"), "oneshot").unwrap();
    std::fs::write(d.0.join("a/timeout-up"), "5\n\n").unwrap();
    std::fs::write(d.0.join("b/notification-fd"), "3\nxx\n").unwrap();
    let long = format!("echo {}\n", "x".repeat(1000));
    std::fs::write(d.0.join("a/up"), &long).unwrap();
    let db = load(&d).unwrap();
    assert_eq!(db.get(db.find(b"a").unwrap()).timeout_up, 5);
    assert_eq!(db.get(db.find(b"a").unwrap()).up.to_bytes(), long.as_bytes());
    for bad in ["5s", " 5", "", "4294967296"] {
        std::fs::write(d.0.join("a/timeout-up"), bad).unwrap();
        assert!(msg(load(&d)).ends_with("/a/timeout-up)"), "{bad}: {}", msg(load(&d)));
    }
    std::fs::write(d.0.join("a/timeout-up"), "0").unwrap();
    std::fs::write(d.0.join("a/type"), "longrun ").unwrap();
    assert!(msg(load(&d)).contains("must be oneshot"));
    std::fs::write(d.0.join("a/type"), "oneshot\n").unwrap();
    std::fs::write(d.0.join("b/notification-fd"), "x").unwrap();
    let e = load(&d).err().unwrap();
    assert_eq!(e.code(), 111);
    std::fs::remove_file(d.0.join("b/notification-fd")).unwrap();
    std::fs::remove_file(d.0.join("b/run")).unwrap();
    assert!(
        msg(load(&d)).starts_with("unable to find a run script (a regular file) for longrun b (in "),
        "{}",
        msg(load(&d))
    );
}

#[test]
fn pipelines() {
    let d = tmp("pipe");
    tree(&d, "p longrun\nq longrun\nc longrun\n");
    std::fs::write(d.0.join("p/producer-for"), "c\n").unwrap();
    std::fs::write(d.0.join("q/producer-for"), "c\n").unwrap();
    std::fs::write(d.0.join("c/consumer-for"), "p\nq\n").unwrap();
    let db = load(&d).unwrap();
    let (p, c) = (db.find(b"p").unwrap(), db.find(b"c").unwrap());
    assert_eq!(db.get(p).consumer, Some(c));
    assert!(db.get(p).deps.contains(&c));
    // pipeline-name in the last consumer: a bundle of the whole pipeline.
    std::fs::write(d.0.join("c/pipeline-name"), "mypipe\n").unwrap();
    let db = load(&d).unwrap();
    let mut m = names_of(&db, db.get(db.find(b"mypipe").unwrap()).members);
    m.sort();
    assert_eq!(m, ["c", "p", "q"]);
    std::fs::remove_file(d.0.join("c/pipeline-name")).unwrap();
    // A longrun in two pipelines.
    std::fs::write(d.0.join("p/producer-for"), "c\nq\n").unwrap();
    assert_eq!(
        msg(load(&d)),
        format!("longrun p: producer-for should only contain one service name (in {}/p/producer-for)", d.0.display())
    );
    std::fs::write(d.0.join("p/producer-for"), "c\n").unwrap();
    std::fs::write(d.0.join("c/consumer-for"), "p\n").unwrap();
    assert!(msg(load(&d)).starts_with(
        "longrun service q declares being a producer for a service named c that does not declare it back"
    ));
}

fn run_plan(db: &Db, p: &mut Plan, fail: &[&str]) -> Vec<String> {
    let mut order = vec![];
    let mut running = vec![];
    loop {
        while let Some(i) = p.next(db) {
            running.push(i);
        }
        let Some(i) = running.pop() else { break };
        let name = String::from_utf8_lossy(db.get(i).name).into_owned();
        p.done(i, !fail.contains(&name.as_str()));
        order.push(name);
    }
    assert!(p.finished());
    order
}

#[test]
fn plans_respect_order() {
    let d = tmp("plan");
    tree(&d, "a oneshot\nb oneshot a\nc oneshot a\nd oneshot b,c\ne oneshot\nuser bundle d,e\n");
    let db = load(&d).unwrap();
    let n = db.svcs.len();
    let mut up = vec![false; n];
    let mut p = Plan::new(n).unwrap();
    let top = db.find(b"top").unwrap();
    p.select(&db, db.get(top).members, true, &up);
    let order = run_plan(&db, &mut p, &[]);
    let pos = |x: &str| order.iter().position(|o| o == x).unwrap();
    assert!(pos("a") < pos("b") && pos("a") < pos("c") && pos("b") < pos("d") && pos("c") < pos("d"));
    assert!(pos("d") < pos("legacy-services") && pos("legacy-cont-init") < pos("legacy-services"));
    assert_eq!(order.len(), 8);
    up.iter_mut().for_each(|u| *u = true);
    // Down a: its dependents first.
    p.select(&db, &[db.find(b"a").unwrap()], false, &up);
    let order = run_plan(&db, &mut p, &[]);
    let pos = |x: &str| order.iter().position(|o| o == x).unwrap();
    assert!(pos("legacy-services") < pos("d") && pos("d") < pos("b") && pos("b") < pos("a"));
    assert!(!order.contains(&"e".to_string()));
    // A failure skips what depends on it, not the rest.
    up.iter_mut().for_each(|u| *u = false);
    p.select(&db, db.get(top).members, true, &up);
    let order = run_plan(&db, &mut p, &["b"]);
    assert!(order.contains(&"c".to_string()) && order.contains(&"e".to_string()));
    assert!(!order.contains(&"d".to_string()) && !order.contains(&"legacy-services".to_string()));
    assert!(p.failed());
    // Already up: nothing to do.
    up.iter_mut().for_each(|u| *u = true);
    p.select(&db, db.get(top).members, true, &up);
    assert!(run_plan(&db, &mut p, &[]).is_empty());
    // Kept (an essential service a down change leaves up): what it
    // depends on is kept too, and nothing failed.
    p.select(&db, &[db.find(b"a").unwrap()], false, &up);
    let mut seen = vec![];
    while let Some(i) = p.next(&db) {
        let name = String::from_utf8_lossy(db.get(i).name).to_string();
        if name == "d" {
            p.steps[i as usize] = Step::Kept;
        } else {
            p.done(i, true);
        }
        seen.push(name);
    }
    assert!(p.finished() && !p.failed(), "{seen:?}");
    assert_eq!(seen, ["legacy-services", "d"]);
    for x in [&b"a"[..], b"b", b"c"] {
        assert_eq!(p.steps[db.find(x).unwrap() as usize], Step::Kept);
    }
}

#[test]
fn parses_100_services_fast() {
    let d = tmp("many");
    let mut spec = String::new();
    for i in 0..100 {
        let dep = if i > 0 { format!(" s{}", i - 1) } else { String::new() };
        spec += &format!("s{i} {}{dep}\n", if i % 2 == 0 { "oneshot" } else { "longrun" });
    }
    tree(&d, &spec);
    let _ = load(&d).unwrap();
    let t0 = std::time::Instant::now();
    let db = load(&d).unwrap();
    let dt = t0.elapsed();
    eprintln!("parsed and resolved {} services in {:?}", db.svcs.len(), dt);
    assert_eq!(db.svcs.len(), 107);
    assert!(dt.as_millis() < 50, "{dt:?}");
}

/// What PID 1 writes to `/run/s6/rc/db` reads back as the same tree.
#[test]
fn db_file_round_trips() {
    let d = tmp("db");
    tree(&d, "a oneshot\nb longrun a\nc longrun a\nuser bundle c\ne bundle a,b\n");
    std::fs::write(d.0.join("c/consumer-for"), "b\n").unwrap();
    std::fs::write(d.0.join("b/producer-for"), "c\n").unwrap();
    std::fs::write(d.0.join("c/pipeline-name"), "pipe\n").unwrap();
    std::fs::write(d.0.join("a/timeout-up"), "1234\n").unwrap();
    std::fs::write(d.0.join("a/down"), "echo down\n").unwrap();
    std::fs::write(d.0.join("e/flag-essential"), "").unwrap();
    let db = load(&d).unwrap();
    let bytes = super::live::encode(&db).unwrap();
    let back = super::live::decode(bytes).expect("decodes");
    assert_eq!(format!("{:?}", db.svcs), format!("{:?}", back.svcs));
    assert!(super::live::decode(&bytes[..bytes.len() - 1]).is_none());
}

#[test]
fn a_service_name_with_a_newline_is_refused() {
    let d = tmp("nl");
    tree(&d, "user bundle a\na oneshot\n");
    std::fs::create_dir_all(d.0.join("b\nc")).unwrap();
    let r = load(&d);
    let code = r.as_ref().err().map(Error::code);
    let want = format!("subdirectory of {} contains a newline character", d.0.display());
    assert_eq!((msg(r), code), (want, Some(1)));
}
