//! Archives and compressed files: fixtures made by `jar`, `zip`, `tar` and `gzip`, and hostile
//! ones (bombs, deep nesting, odd names, encryption, corruption) built here.

use super::ci::assert_valid_sarif;
use super::util::*;
use serde_json::Value;
use std::io::Write;

/// (path, severity) of every finding, sorted.
fn found(r: &Run) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = r.json()["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap_or_default();
            let p = p.rsplit_once("testdata/archives/").map_or(p, |(_, r)| r);
            (
                p.to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn pair(p: &str, s: &str) -> (String, String) {
    (p.to_string(), s.to_string())
}

fn leak() -> String {
    format!(
        "sf.login_url=https://login.salesforce.com\nsf.client_id={KEY2}\nsf.client_secret={HEX3}\n"
    )
}

#[test]
fn archives_made_by_jar_zip_tar_gzip_bzip2_xz_and_zstd_are_opened_and_named_by_the_path_through_them(
) {
    let r = scan_fixture("testdata/archives", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        found(&r),
        vec![
            pair("app.log.gz!app.log", "critical"),
            pair("deploy.tar.gz!sync.py", "high"),
            pair("etc.tar.zst!etc/integration.env", "high"),
            pair("integration.env.bz2!integration.env", "high"),
            pair("integration.env.xz!integration.env", "high"),
            pair(
                "release.zip!service.jar!BOOT-INF/classes/application.properties",
                "critical"
            ),
            pair(
                "service.jar!BOOT-INF/classes/application.properties",
                "critical"
            ),
        ]
    );
    // the same file outside any archive gets the same severity: same rules, same context
    assert!(r.stderr.contains("from 11 archives"), "{}", r.stderr);
    // the encrypted entry is named, and nothing of it is read
    assert!(
        r.stderr
            .contains("encrypted.zip!creds.properties: encrypted, not read"),
        "{}",
        r.stderr
    );
    let sarif = run(
        &root(),
        &[
            "scan",
            "--config",
            "/dev/null",
            "--format",
            "sarif",
            "testdata/archives",
        ],
    );
    let doc: Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    let uris: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.iter().any(|u| u.contains("service.jar")), "{uris:?}");
    assert_valid_sarif(&doc);
}

#[test]
fn archives_can_be_left_closed_or_opened_by_kind_and_depth() {
    let r = scan_fixture("testdata/archives", &["--no-archives"]);
    assert_eq!((r.code, found(&r)), (0, vec![]), "{}", r.stderr);
    let r = scan_fixture("testdata/archives", &["--archives", "gzip"]);
    assert_eq!(found(&r), vec![pair("app.log.gz!app.log", "critical")]);
    // a .tar.zst needs both kinds
    let r = scan_fixture("testdata/archives", &["--archives", "zstd,xz"]);
    assert_eq!(
        found(&r),
        vec![pair("integration.env.xz!integration.env", "high")],
        "{}",
        r.stderr
    );
    let r = scan_fixture("testdata/archives", &["--archives", "zstd,tar"]);
    assert_eq!(
        found(&r),
        vec![pair("etc.tar.zst!etc/integration.env", "high")]
    );
    // a jar inside a zip is two levels: depth 1 opens the zip and names the jar it left shut
    let r = scan_fixture(
        "testdata/archives/release.zip",
        &["--max-archive-depth", "1"],
    );
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("release.zip!service.jar")
            && r.stderr.contains("over --max-archive-depth 1"),
        "{}",
        r.stderr
    );
    let r = scan_fixture("testdata/archives", &["--archives", "rar"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown archive kind 'rar'"),
        "{}",
        r.stderr
    );
    // the config file's keys
    let tree = Tree::new();
    tree.write(".sfleaks.toml", "archives = []\n");
    tree.write(
        "app.jar",
        zip_of(&[("application.properties", leak().as_bytes())]),
    );
    assert_eq!(run(tree.path(), &["scan", "."]).code, 0);
    tree.write(".sfleaks.toml", "max-archive-depth = 2\n");
    assert_eq!(run(tree.path(), &["scan", "."]).code, 1);
}

#[test]
fn a_bomb_is_stopped_at_its_limit_and_the_rest_is_scanned() {
    let tree = Tree::new();
    tree.write("plain.env", leak());
    // one entry of 64 MiB of zeros (about 64 KiB deflated): stopped by its ratio
    let zeros = vec![0u8; 64 << 20];
    tree.write("bomb.zip", zip_of(&[("zeros.bin", &zeros)]));
    // a gzip of the same
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&zeros).expect("gzip");
    tree.write("sparse.img.gz", gz.finish().expect("gzip"));
    // 42.zip-style: zips inside zips, ten levels, a leak at the bottom
    let mut nested = zip_of(&[("deep.env", leak().as_bytes())]);
    for level in 0..10 {
        nested = zip_of(&[(&format!("level{level}.zip"), &nested)]);
    }
    tree.write("nested.zip", nested);
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(found(&r), vec![pair("./plain.env", "high")], "{}", r.stderr);
    for needle in [
        "bomb.zip!zeros.bin: compression ratio over 100:1",
        "sparse.img.gz: gzip: compression ratio over 100:1",
        "over --max-archive-depth 3",
    ] {
        assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
    }
    // a total below what the archive holds: named as that limit
    let r = run(
        tree.path(),
        &[
            "scan",
            "--max-decompressed-size",
            "1K",
            "--format",
            "json",
            "nested.zip",
        ],
    );
    assert!(r.stderr.contains("--max-decompressed-size"), "{}", r.stderr);
}

#[test]
fn a_zip_quine_is_opened_once_and_named_as_holding_itself_in_scan_history_and_staged() {
    let quine = super::zipquine::zip_quine("r.zip");
    let tree = Tree::new();
    tree.write("plain.env", leak());
    tree.write("r.zip", &quine);
    // the quine one level down, beside a leak in the same outer zip
    tree.write(
        "bundle.zip",
        zip_of(&[("r.zip", &quine), ("inner.env", leak().as_bytes())]),
    );
    let holds_itself = |at: &str, holder: &str| {
        format!(
            "cannot read {at}: a zip with the same bytes as {holder}, which holds it (a quine): \
             not opened again"
        )
    };
    for depth in ["3", "50"] {
        let r = run(
            tree.path(),
            &[
                "scan",
                "--max-archive-depth",
                depth,
                "--format",
                "json",
                ".",
            ],
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert_eq!(
            found(&r),
            vec![
                pair("./bundle.zip!inner.env", "high"),
                pair("./plain.env", "high")
            ]
        );
        for (at, holder) in [
            ("./r.zip!r.zip", "./r.zip"),
            ("./bundle.zip!r.zip!r.zip", "./bundle.zip!r.zip"),
        ] {
            let want = holds_itself(at, holder);
            assert!(r.stderr.contains(&want), "{want}: {}", r.stderr);
        }
        assert!(!r.stderr.contains("r.zip!r.zip!r.zip"), "{}", r.stderr);
        assert_eq!(r.stderr.matches("warning").count(), 2, "{}", r.stderr);
    }

    let repo = super::git::Repo::new();
    repo.write("r.zip", &quine);
    repo.commit("a quine", "Alice", "2024-03-01T09:00:00+00:00");
    let r = run(repo.path(), &["history"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&holds_itself("r.zip!r.zip", "r.zip")),
        "{}",
        r.stderr
    );
    repo.write("again/r.zip", &quine);
    repo.git(&["add", "again/r.zip"]);
    let r = run(repo.path(), &["staged"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = holds_itself("again/r.zip!r.zip", "again/r.zip");
    assert!(r.stderr.contains(&want), "{}", r.stderr);
}

#[test]
fn odd_entry_names_are_escaped_and_nothing_is_written_to_disk() {
    let tree = Tree::new();
    let names = ["../../escape.env", "/etc/abs.env", "ctl\n\u{1b}[31m.env"];
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (*n, leak().leak().as_bytes()))
        .collect();
    tree.write("odd.zip", zip_of(&entries));
    let before: Vec<_> = walk_names(tree.path());
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 1);
    let paths: Vec<String> = found(&r).into_iter().map(|(p, _)| p).collect();
    assert!(
        paths.contains(&"./odd.zip!../../escape.env".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"./odd.zip!/etc/abs.env".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.contains("ctl\\n\\u{1b}[31m.env")),
        "{paths:?}"
    );
    assert!(
        !r.stdout.contains('\u{1b}'),
        "no raw escape reaches the report"
    );
    assert_eq!(walk_names(tree.path()), before, "nothing extracted");
    assert!(!tree.path().join("../../escape.env").exists());
}

fn walk_names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn corrupt_and_truncated_archives_are_one_warning_each() {
    let tree = Tree::new();
    tree.write("plain.env", leak());
    let whole = std::fs::read(root().join("testdata/archives/service.jar")).expect("jar");
    tree.write("cut.jar", &whole[..whole.len() / 2]);
    let tgz = std::fs::read(root().join("testdata/archives/deploy.tar.gz")).expect("tgz");
    tree.write("cut.tar.gz", &tgz[..tgz.len() - 40]);
    let mut garbage = b"PK\x03\x04".to_vec();
    garbage.extend(std::iter::repeat_n(0xA5u8, 4000));
    tree.write("garbage.zip", garbage);
    for (name, fixture) in [
        ("cut.env.xz", "integration.env.xz"),
        ("cut.env.bz2", "integration.env.bz2"),
        ("cut.tar.zst", "etc.tar.zst"),
    ] {
        let whole = std::fs::read(root().join("testdata/archives").join(fixture)).expect("fixture");
        tree.write(name, &whole[..whole.len() / 2]);
    }
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(found(&r), vec![pair("./plain.env", "high")]);
    for name in [
        "cut.jar",
        "cut.tar.gz",
        "garbage.zip",
        "cut.env.xz",
        "cut.env.bz2",
        "cut.tar.zst",
    ] {
        let lines = r.stderr.lines().filter(|l| l.contains(name)).count();
        assert_eq!(lines, 1, "{name}: {}", r.stderr);
    }
}

#[test]
fn history_and_staged_open_archives_in_blobs_and_keep_the_path_through_them() {
    let repo = super::git::Repo::new();
    repo.write("README.md", "# svc\n");
    repo.commit("initial", "Alice", "2024-03-01T09:00:00+00:00");
    let jar = std::fs::read(root().join("testdata/archives/service.jar")).expect("jar");
    repo.write("lib/service.jar", &jar);
    let added = repo.commit("add the service", "Bob", "2024-03-02T09:00:00+00:00");
    // the same jar at a second path: one blob, two paths, each named through the jar
    repo.write("dist/service.jar", &jar);
    repo.commit("ship it", "Carol", "2024-03-03T09:00:00+00:00");
    let r = run(repo.path(), &["history", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    let findings = doc["findings"].as_array().expect("findings");
    let inner = "!BOOT-INF/classes/application.properties";
    let mut paths: Vec<&str> = findings.iter().filter_map(|f| f["path"].as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            format!("dist/service.jar{inner}"),
            format!("lib/service.jar{inner}")
        ]
    );
    let lib = findings
        .iter()
        .find(|f| f["path"].as_str().is_some_and(|p| p.starts_with("lib/")))
        .expect("lib");
    assert_eq!(lib["commit"]["id"], added.as_str());
    assert_eq!(lib["severity"], "critical");
    let fps: std::collections::HashSet<&str> = findings
        .iter()
        .filter_map(|f| f["fingerprint"].as_str())
        .collect();
    assert_eq!(fps.len(), 2, "each path its own fingerprint");

    // staged: a gzip log added to the index
    let gz = std::fs::read(root().join("testdata/archives/app.log.gz")).expect("gz");
    repo.write("logs/app.log.gz", &gz);
    repo.git(&["add", "logs/app.log.gz"]);
    let r = run(repo.path(), &["staged", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["findings"][0]["path"], "logs/app.log.gz!app.log");
    assert_eq!(run(repo.path(), &["staged", "--no-archives"]).code, 0);
}

fn gzip_of(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(data).expect("gzip");
    gz.finish().expect("gzip")
}

fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data).expect("tar entry");
    }
    b.into_inner().expect("tar")
}

/// A `.gem` is a tar holding `data.tar.gz`; a gzipped file in it is three levels down, as a
/// `.tar.gz` is one archive, not a tar inside a gzip.
#[test]
fn a_tar_gz_counts_as_one_level() {
    let tree = Tree::new();
    let data = gzip_of(&tar_of(&[("doc/app.env.gz", &gzip_of(leak().as_bytes()))]));
    tree.write("svc-1.0.gem", tar_of(&[("data.tar.gz", &data)]));
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(
        found(&r),
        vec![pair(
            "./svc-1.0.gem!data.tar.gz!doc/app.env.gz!app.env",
            "high"
        )],
        "{}",
        r.stderr
    );
    let r = run(
        tree.path(),
        &["scan", "--max-archive-depth", "2", "--format", "json", "."],
    );
    assert_eq!(found(&r), vec![]);
    assert!(
        r.stderr
            .contains("doc/app.env.gz: a gzip inside 2 containers"),
        "{}",
        r.stderr
    );
}

/// Raw deflate that inflates to `mib` MiB of zeros in about a thousandth of that (one deflated
/// MiB flushed to a byte boundary and repeated: its back-references only ever see zeros), and
/// the CRC-32 of what it inflates to.
fn deflated_zeros(mib: u64) -> (Vec<u8>, u32) {
    let mut c = flate2::Compress::new(flate2::Compression::best(), false);
    let mut chunk = Vec::with_capacity(1 << 16);
    let block = vec![0u8; 1 << 20];
    c.compress_vec(&block, &mut chunk, flate2::FlushCompress::Sync)
        .expect("deflate");
    let mut one = flate2::Crc::new();
    one.update(&block);
    let mut crc = flate2::Crc::new();
    let mut out = Vec::with_capacity(chunk.len() * mib as usize + 8);
    for _ in 0..mib {
        out.extend_from_slice(&chunk);
        crc.combine(&one);
    }
    // an empty final stored block
    out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    (out, crc.sum())
}

/// A zip64 archive of one deflated entry that inflates to `size` bytes of zeros.
fn zip64_of_zeros(name: &str, size: u64) -> Vec<u8> {
    let (data, crc) = deflated_zeros(size >> 20);
    let n = name.len() as u16;
    let zip64 = |out: &mut Vec<u8>| {
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&16u16.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(data.len() as u64).to_le_bytes());
    };
    let mut out = Vec::new();
    // local header: sizes in the zip64 extra field
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for v in [45u16, 0, 8, 0, 0x21] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&20u16.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    zip64(&mut out);
    out.extend_from_slice(&data);
    let cd = out.len() as u64;
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    for v in [45u16, 45, 0, 8, 0, 0x21] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    for v in [n, 20, 0, 0, 0] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    zip64(&mut out);
    let cd_size = out.len() as u64 - cd;
    // zip64 end of central directory, its locator, then the classic end record
    let eocd64 = out.len() as u64;
    out.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
    out.extend_from_slice(&44u64.to_le_bytes());
    out.extend_from_slice(&45u16.to_le_bytes());
    out.extend_from_slice(&45u16.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    for v in [1u64, 1, cd_size, cd] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&eocd64.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, 1, 1] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A gzip member holding `size` bytes of zeros.
fn gzip_of_zeros(size: u64) -> Vec<u8> {
    let (data, crc) = deflated_zeros(size >> 20);
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3];
    out.extend_from_slice(&data);
    out.extend_from_slice(&crc.to_le_bytes());
    // ISIZE is the size modulo 2^32
    out.extend_from_slice(&(size as u32).to_le_bytes());
    out
}

/// The largest peak resident size of any process this test binary waited for, in bytes.
fn children_peak_rss() -> u64 {
    // SAFETY: getrusage writes the struct it is given and nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn a_10_gb_entry_and_a_4_gb_sparse_gzip_stop_at_their_limits_in_bounded_memory() {
    let tree = Tree::new();
    tree.write("plain.env", leak());
    let huge = zip64_of_zeros("disk.img", 10 << 30);
    // the archive says what it holds: 10 GiB in one entry
    let archive = zip::ZipArchive::new(std::io::Cursor::new(&huge[..])).expect("zip64");
    let mut archive = archive;
    assert_eq!(archive.by_index_raw(0).expect("entry").size(), 10 << 30);
    tree.write("huge.zip", &huge);
    tree.write("sparse.img.gz", gzip_of_zeros(4 << 30));
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(found(&r), vec![pair("./plain.env", "high")], "{}", r.stderr);
    // over all their compressed bytes neither is past the ratio when the entry limit stops it
    for needle in [
        "huge.zip!disk.img: an entry over 67108864 bytes decompressed",
        "sparse.img.gz: gzip: an entry over 67108864 bytes decompressed",
    ] {
        assert!(r.stderr.contains(needle), "{needle}: {}", r.stderr);
    }
    // a smaller total stops it sooner, named as that limit
    let r = run(
        tree.path(),
        &[
            "scan",
            "--format",
            "json",
            "--max-decompressed-size",
            "10M",
            "huge.zip",
        ],
    );
    assert!(
        r.stderr
            .contains("huge.zip!disk.img: over --max-decompressed-size (10485760 bytes in all)"),
        "{}",
        r.stderr
    );
    let peak = children_peak_rss();
    assert!(peak < 512 << 20, "peak resident size {peak} bytes");
}
