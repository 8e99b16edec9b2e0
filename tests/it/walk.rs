//! What the walker reads and passes over.

use super::util::*;

#[test]
fn gitignore_respected_hidden_files_scanned_git_dir_never_entered() {
    let tree = Tree::new();
    std::fs::create_dir_all(tree.path().join(".git")).expect("mkdir .git");
    tree.write(".gitignore", "ignored/\n");
    tree.write("ignored/leak.env", format!("SF_CLIENT_SECRET={HEX1}\n"));
    tree.write(".env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    tree.write(
        ".github/workflows/ci.yml",
        format!("env:\n  SF_CLIENT_SECRET: {HEX3}\n"),
    );
    tree.write(".git/config", format!("SF_CLIENT_SECRET={HEX4}\n"));
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    let paths: Vec<String> = summary(&r.json()).into_iter().map(|t| t.0).collect();
    assert_eq!(paths, vec!["./.env", "./.github/workflows/ci.yml"]);

    let r = run(
        tree.path(),
        &["scan", "--format", "json", "--no-ignore", "."],
    );
    let paths: Vec<String> = summary(&r.json()).into_iter().map(|t| t.0).collect();
    assert_eq!(
        paths,
        vec!["./.env", "./.github/workflows/ci.yml", "./ignored/leak.env"]
    );
}

#[test]
fn binary_files_are_skipped_and_counted() {
    let tree = Tree::new();
    let mut bin = b"\x7fELF\x00\x00".to_vec();
    bin.extend_from_slice(format!("SF_CLIENT_SECRET={HEX1}\n").as_bytes());
    tree.write("tool.bin", bin);
    tree.write("text.env", format!("SF_CLIENT_SECRET={HEX2}\n"));
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    let doc = r.json();
    assert_eq!(doc["stats"]["skipped_binary"], 1);
    assert_eq!(doc["stats"]["files"], 1);
    assert_eq!(summary(&doc).len(), 1);
}

#[test]
fn files_over_max_size_are_skipped_with_a_warning_naming_them() {
    let tree = Tree::new();
    let mut big = "x = 1\n".repeat(400);
    big.push_str(&format!("SF_CLIENT_SECRET={HEX1}\n"));
    tree.write("big.env", &big);
    let r = run(
        tree.path(),
        &["scan", "--format", "json", "--max-file-size", "1K", "."],
    );
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("big.env"), "{}", r.stderr);
    assert_eq!(r.json()["stats"]["skipped_large"], 1);
    let r = run(tree.path(), &["scan", "--max-file-size", "1M", "."]);
    assert_eq!(r.code, 1);
    assert_eq!(
        run(tree.path(), &["scan", "--max-file-size", "lots", "."]).code,
        2
    );
}

#[test]
fn invalid_utf8_around_a_leak_does_not_hide_it() {
    let tree = Tree::new();
    let mut data = b"caf\xe9 \xff\xfe\n".to_vec();
    data.extend_from_slice(format!("SF_CLIENT_SECRET={HEX1}\n").as_bytes());
    data.extend_from_slice(b"\xc3\x28\n");
    tree.write("latin1.env", data);
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    let got = summary(&r.json());
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].3, got[0].4), (2, 18));
}
