//! Hostile and odd input: encodings, special files, odd names, deep and big trees, bad
//! configuration, and the tool never printing the secrets it finds.

use super::ci::assert_valid_sarif;
use super::util::*;
use serde_json::Value;

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut out = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

fn places(r: &Run) -> Vec<(String, u64, u64)> {
    summary(&r.json())
        .into_iter()
        .map(|(path, _, _, line, col)| (path, line, col))
        .collect()
}

#[test]
fn utf16_files_with_a_bom_are_scanned_with_the_right_lines() {
    let text = format!("# d\u{e9}ploiement\r\n\r\n$SfClientSecret = \"{HEX1}\"\r\n");
    let tree = Tree::new();
    tree.write("le.ps1", utf16(&text, true));
    tree.write("be.reg", utf16(&text, false));
    tree.write("utf8.ps1", &text);
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(
        places(&r),
        vec![
            ("./be.reg".to_string(), 3, 20),
            ("./le.ps1".to_string(), 3, 20),
            ("./utf8.ps1".to_string(), 3, 20),
        ],
        "{}",
        r.stderr
    );
    assert_eq!(r.json()["stats"]["skipped_binary"], 0);
}

#[test]
fn crlf_line_endings_give_the_same_lines_and_columns() {
    let lf = format!("# conf\nexport SF_CLIENT_SECRET={HEX1}\n\nsfdc.consumerSecret={HEX2}\n");
    let tree = Tree::new();
    tree.write("lf/a.sh", &lf);
    tree.write("crlf/a.sh", lf.replace('\n', "\r\n"));
    let of = |dir: &str| {
        let r = run(&tree.path().join(dir), &["scan", "--format", "json", "."]);
        let f = r.json()["findings"].clone();
        f.as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["line"].clone(),
                    f["column"].clone(),
                    f["fingerprint"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let (a, b) = (of("lf"), of("crlf"));
    assert_eq!(a.len(), 2);
    assert_eq!(a, b);
}

#[cfg(unix)]
#[test]
fn fifos_sockets_devices_and_symlink_loops_never_hang_the_walk() {
    use std::os::unix::fs::symlink;
    let tree = Tree::new();
    let p = tree.path();
    tree.write("real.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    let status = std::process::Command::new("mkfifo")
        .arg(p.join("pipe.env"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let _socket = std::os::unix::net::UnixListener::bind(p.join("sock.env")).expect("socket");
    symlink("/dev/zero", p.join("zero.env")).expect("symlink");
    symlink(".", p.join("loop")).expect("symlink");
    for extra in [&[][..], &["--follow"][..]] {
        let mut args = vec!["scan", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(".");
        let r = run(p, &args);
        assert_eq!(r.code, 1, "{extra:?}: {}", r.stderr);
        let paths: Vec<String> = places(&r).into_iter().map(|t| t.0).collect();
        assert_eq!(paths, vec!["./real.env"], "{extra:?}");
    }
    // named on the command line they are said to be skipped, still without reading them
    let r = run(p, &["scan", "pipe.env", "zero.env", "sock.env"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in ["pipe.env", "zero.env", "sock.env"] {
        assert!(
            r.stderr
                .contains(&format!("skipping {name}: not a regular file")),
            "{}",
            r.stderr
        );
    }
    let r = run(p, &["scan", "--follow", "."]);
    assert!(r.stderr.contains("symlink loop"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_followed_only_with_follow() {
    let outside = Tree::new();
    outside.write("creds.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    let tree = Tree::new();
    tree.write("README.md", "nothing here\n");
    std::os::unix::fs::symlink(outside.path(), tree.path().join("elsewhere")).expect("symlink");
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 0);
    assert!(places(&r).is_empty());
    let r = run(tree.path(), &["scan", "--format", "json", "--follow", "."]);
    assert_eq!(r.code, 1);
    assert_eq!(places(&r)[0].0, "./elsewhere/creds.env");
}

#[cfg(unix)]
#[test]
fn odd_file_names_are_escaped_and_every_report_stays_valid() {
    use std::os::unix::ffi::OsStrExt;
    let tree = Tree::new();
    let leak = format!("SF_CLIENT_SECRET={HEX1}\n");
    std::fs::write(tree.path().join("new\nline.env"), &leak).expect("write");
    let bad = std::ffi::OsStr::from_bytes(b"bad\xffname.env");
    std::fs::write(tree.path().join(bad), &leak).expect("write");
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    let paths: Vec<String> = places(&r).into_iter().map(|t| t.0).collect();
    assert_eq!(paths, vec!["./bad\\xffname.env", "./new\\nline.env"]);

    let r = run(tree.path(), &["scan", "--format", "sarif", "."]);
    let doc: Value = serde_json::from_str(&r.stdout).expect("SARIF is JSON");
    assert_valid_sarif(&doc);
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(2));

    let r = run(tree.path(), &["scan", "--format", "jsonl", "."]);
    assert_eq!(r.stdout.lines().count(), 2);
    for line in r.stdout.lines() {
        serde_json::from_str::<Value>(line).expect("each line is JSON");
    }

    // human output: one block for the one secret, its header and its other place each one
    // line naming the escaped path
    let r = run(tree.path(), &["scan", "--color", "never", "."]);
    let headers: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("HIGH")).collect();
    assert_eq!(headers.len(), 1, "{}", r.stdout);
    assert!(
        headers[0].contains("./bad\\xffname.env:1:18"),
        "{}",
        headers[0]
    );
    assert!(
        r.stdout.contains("\n  also at:  ./new\\nline.env:1:18\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_tree_120_levels_deep_is_walked() {
    let tree = Tree::new();
    let deep: String = (0..120).map(|i| format!("d{i}/")).collect();
    tree.write(
        &format!("{deep}creds.env"),
        format!("SF_CLIENT_SECRET={HEX1}\n"),
    );
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(places(&r)[0].0, format!("./{deep}creds.env"));
}

#[test]
fn stdin_empty_and_utf16_input_is_scanned() {
    let r = run_with_stdin(&root(), &["scan", "--format", "json", "-"], "");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["stats"]["files"], 1);
    let out = sfleaks(&root())
        .args(["scan", "--format", "json", "-"])
        .write_stdin(utf16(&format!("# x\nSF_CLIENT_SECRET={HEX1}\n"), true))
        .output()
        .expect("binary runs");
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let found = summary(&doc);
    assert_eq!(found.len(), 1, "{doc}");
    assert_eq!(
        (found[0].0.as_str(), found[0].3, found[0].4),
        ("<stdin>", 2, 18)
    );
}

/// Every configuration mistake is exit 2 and one line naming the file and what is wrong.
#[test]
fn bad_configuration_is_one_line_naming_file_and_problem() {
    let rule = |id: &str, regex: &str| {
        format!(
            "[[rule]]\nid = \"{id}\"\ndescription = \"d\"\nseverity = \"high\"\nremediation = \"r\"\nkeywords = [\"k\"]\n[[rule.pattern]]\nregex = '''{regex}'''\n"
        )
    };
    let cases: Vec<(&str, String, &[&str])> = vec![
        (
            ".sfleaks.toml",
            "fail-on = [\n".into(),
            // the array left open, where it opens
            &["line 1, column 12", "unclosed array"],
        ),
        (".sfleaks.toml", "fial-on = \"high\"\n".into(), &["fial-on"]),
        (
            ".sfleaks.toml",
            format!("[allowlist]\nvalues = \"{HEX1}\"\n"),
            &["values", "line 2"],
        ),
        (
            "extra.toml",
            rule("my-rule", "(?P<secret>k[a-z"),
            &["my-rule", "regex"],
        ),
        (
            "extra.toml",
            rule("salesforce-consumer-key", "(?P<secret>k)"),
            &["salesforce-consumer-key", "duplicate"],
        ),
        ("extra.toml", "[[rule]\n".into(), &["line 1"]),
    ];
    for (file, text, needles) in cases {
        let tree = Tree::new();
        tree.write(file, &text);
        let mut args = vec!["scan", "."];
        if file == "extra.toml" {
            args.extend(["--rules", "extra.toml"]);
        }
        let r = run(tree.path(), &args);
        assert_eq!(r.code, 2, "{file}: {text}\n{}", r.stderr);
        let msg = r.stderr.trim_end();
        assert_eq!(msg.lines().count(), 1, "one line: {msg}");
        assert!(msg.contains(file), "names the file: {msg}");
        for n in needles {
            assert!(msg.contains(n), "mentions {n}: {msg}");
        }
        for secret in ALL_SECRETS {
            assert!(!msg.contains(secret), "error leaks {secret}: {msg}");
        }
    }
}

#[test]
fn no_output_format_or_log_line_carries_a_raw_secret() {
    let root = root();
    let tmp = Tree::new();
    // the repository's own config allowlists its fixtures; an empty one reports them
    let empty = Tree::new();
    empty.write("empty.toml", "");
    let config = empty.path().join("empty.toml");
    let config = config.to_string_lossy();
    for format in ["human", "json", "jsonl", "sarif"] {
        for extra in [&[][..], &["--show-suppressed"][..]] {
            let mut args = vec!["scan", "--config", &config, "--format", format];
            args.extend_from_slice(extra);
            args.extend(["testdata/leaks", "testdata/sfdx", "testdata/clean"]);
            let r = run_env(&root, &args, &[("TMPDIR", &tmp.path().to_string_lossy())]);
            assert_eq!(r.code, 1, "{format}: {}", r.stderr);
            for secret in ALL_SECRETS {
                assert!(!r.stdout.contains(secret), "{format} output leaks {secret}");
                assert!(!r.stderr.contains(secret), "{format} stderr leaks {secret}");
            }
        }
    }
    // and nothing was left in the temporary directory
    let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("tmp").collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// Peak memory of a 150 MB file with a leak at its very end: release mode, run by `.ci/run`.
#[cfg(unix)]
#[test]
#[ignore = "writes a 150 MB file; .ci/run runs it in release mode"]
// the child is reaped with wait4, which also gives its peak memory
#[allow(clippy::zombie_processes)]
fn a_150_mb_file_is_scanned_with_bounded_memory() {
    let tree = Tree::new();
    let path = tree.path().join("dump.sql");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        // long lines of hex and commas, as in a data dump: many look-alikes, no keywords
        let row: String = (0..(1 << 20) / 17)
            .map(|i| format!("{:016x},", i * 7919))
            .collect();
        for _ in 0..150 {
            f.write_all(row.as_bytes()).expect("write");
            f.write_all(b"\n").expect("write");
        }
        writeln!(f, "-- sf_client_secret = '{HEX1}'").expect("write");
    }
    let len = std::fs::metadata(&path).expect("size").len();
    assert!(len > 150_000_000, "{len}");

    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 0, "skipped at the default limit: {}", r.stderr);
    assert!(r.stderr.contains("dump.sql"), "{}", r.stderr);

    let bin = assert_cmd::cargo::cargo_bin("sfleaks");
    let child = std::process::Command::new(bin)
        .current_dir(tree.path())
        .args(["scan", "--format", "json", "--max-file-size", "200M", "."])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let stdout = child.stdout.expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut { stdout }, &mut s).map(|_| s)
    });
    let mut status = 0;
    // SAFETY: rusage is plain data filled by the kernel; pid is our own child
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let out = reader.join().expect("reader").expect("stdout read");
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    let found = summary(&doc);
    assert_eq!(found.len(), 1, "{out}");
    assert_eq!(found[0].3, 151);
    let peak_mb = usage.ru_maxrss / 1024;
    eprintln!("150 MB file: peak {peak_mb} MB");
    assert!(peak_mb < 512, "peak {peak_mb} MB");
}
