//! Documents and encodings: Office and OpenDocument files and PDFs made by LibreOffice and
//! Ghostscript (testdata/documents/make.sh), hostile PDFs built here, base64 values in
//! Kubernetes Secrets and files encoded whole; and how container paths reach SARIF,
//! allowlists and baselines.

use super::ci::assert_valid_sarif;
use super::util::*;
use base64::Engine;
use serde_json::Value;

const DOCS: &str = "testdata/documents";

/// (path below testdata/documents, severity, line, column) of every finding, sorted.
fn places(r: &Run) -> Vec<(String, String, u64, u64)> {
    let mut v: Vec<_> = r.json()["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap_or_default();
            let p = p.rsplit_once("documents/").map_or(p, |(_, r)| r);
            (
                p.to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

fn place(p: &str, s: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (p.to_string(), s.to_string(), line, column)
}

/// Every document fixture (not their sources).
fn fixtures() -> Vec<String> {
    [
        "runbook.docx",
        "runbook.odt",
        "runbook.pdf",
        "settings.xlsx",
        "settings.ods",
        "handover.pptx",
        "handover.odp",
        "guide.pdf",
    ]
    .iter()
    .map(|f| format!("{DOCS}/{f}"))
    .collect()
}

fn scan_docs(extra: &[&str]) -> Run {
    let mut args = vec!["scan", "--config", "/dev/null", "--format", "json"];
    args.extend_from_slice(extra);
    let files = fixtures();
    args.extend(files.iter().map(String::as_str));
    run(&root(), &args)
}

#[test]
fn office_opendocument_and_pdf_text_is_scanned_with_the_rules_and_context_of_a_plain_file() {
    let r = scan_docs(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        places(&r),
        vec![
            // the second page of the Ghostscript PDF: the line and column in the page's text
            place("guide.pdf!page-2", "critical", 5, 15),
            place("handover.odp!content.xml", "critical", 5, 64),
            // speaker notes are read with the slides, one document as in the OpenDocument
            // version: the slide's consumer key and endpoint are the notes' secret's context
            place(
                "handover.pptx!ppt/notesSlides/notesSlide1.xml",
                "critical",
                1,
                64
            ),
            place("runbook.docx!word/document.xml", "critical", 6, 16),
            place("runbook.odt!content.xml", "critical", 6, 16),
            place("runbook.pdf!page-1", "critical", 10, 16),
            // a spreadsheet row: the key's cell, a tab, the secret's cell
            place("settings.ods!content.xml", "critical", 4, 15),
            place("settings.xlsx!xl/worksheets/sheet1.xml", "critical", 4, 15),
        ]
    );
    // the same secrets as the sources the documents were made from: nothing lost on the way
    let secrets = |r: &Run| -> std::collections::BTreeSet<String> {
        r.json()["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter(|f| f["rule"] == "salesforce-consumer-secret")
            .filter_map(|f| f["secret_id"].as_str().map(str::to_string))
            .collect()
    };
    let sources = scan_fixture(&format!("{DOCS}/src"), &[]);
    assert_eq!(secrets(&r), secrets(&sources));
    for s in ALL_SECRETS {
        assert!(
            !r.stdout.contains(s) && !r.stderr.contains(s),
            "{s} printed"
        );
    }
}

#[test]
fn documents_and_pdfs_are_kinds_of_their_own() {
    // a docx is a zip, but `zip` alone opens archives, not documents
    let r = scan_docs(&["--archives", "zip"]);
    assert_eq!((r.code, places(&r)), (0, vec![]), "{}", r.stderr);
    let r = scan_docs(&["--archives", "pdf"]);
    let pdfs: Vec<String> = places(&r).into_iter().map(|p| p.0).collect();
    assert_eq!(pdfs, ["guide.pdf!page-2", "runbook.pdf!page-1"]);
    let r = scan_docs(&["--archives", "document"]);
    assert_eq!(places(&r).len(), 6, "{}", r.stderr);
    // a jar is not a document
    let r = scan_fixture("testdata/archives/service.jar", &["--archives", "document"]);
    assert_eq!(r.code, 0);
}

#[test]
fn a_broken_document_part_is_one_warning_and_the_rest_of_it_is_read() {
    let tree = Tree::new();
    let good = format!(
        "<w:hdr xmlns:w=\"w\"><w:p><w:r><w:t>Salesforce: client_id={KEY1}</w:t></w:r></w:p><w:p><w:r><w:t>client_secret={HEX1}</w:t></w:r></w:p></w:hdr>"
    );
    let docx = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:document><w:body><w:p></w:x>"),
        ("word/header1.xml", good.as_bytes()),
    ]);
    tree.write("docs/broken.docx", docx);
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.json()["findings"][0]["path"],
        "./docs/broken.docx!word/header1.xml"
    );
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("broken.docx"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", r.stderr);
    assert!(
        warnings[0].contains("word/document.xml") && warnings[0].contains("not well-formed"),
        "{}",
        r.stderr
    );
}

/// A one-page PDF whose page content is `content` (already encoded, with `filter` naming its
/// encoding when there is one), with a correct cross-reference table.
fn pdf_with(content: &[u8], filter: Option<&str>) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let filter = filter.map(|f| format!(" /Filter /{f}")).unwrap_or_default();
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        [
            format!("<< /Length {}{filter} >>\nstream\n", content.len()).as_bytes(),
            content,
            b"\nendstream",
        ]
        .concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>".to_vec(),
    ];
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A zlib stream that inflates to `gib` GiB of zeros in about a thousandth of that.
fn zlib_zeros(gib: u64) -> Vec<u8> {
    zlib_repeating(b"", &vec![0u8; 1 << 20], gib << 10)
}

/// A zlib stream that inflates to `prefix`, then `chunk` `times` times, at the cost of one
/// deflated `chunk`: each piece is deflated afresh and flushed to a byte boundary, so its
/// back-references never reach before it and its bytes can be repeated; then the final
/// block and the Adler-32 of the whole, combined from the pieces' own.
fn zlib_repeating(prefix: &[u8], chunk: &[u8], times: u64) -> Vec<u8> {
    let deflated = |data: &[u8]| {
        let mut c = flate2::Compress::new(flate2::Compression::best(), false);
        // room for all of it: compress_vec writes no more than the capacity
        let mut out = Vec::with_capacity(data.len() + 1024);
        c.compress_vec(data, &mut out, flate2::FlushCompress::Sync)
            .expect("deflate");
        out
    };
    const P: u64 = 65521;
    // Adler-32 as (a, b); appending data whose own sums are (a2, b2) over n bytes adds
    // a2 - 1 to a, and b2 plus n times (a - 1) to b
    let sums = |data: &[u8]| {
        data.iter().fold((1u64, 0u64), |(a, b), &x| {
            let a = (a + u64::from(x)) % P;
            (a, (b + a) % P)
        })
    };
    let then = |(a, b): (u64, u64), (a2, b2): (u64, u64), n: u64| {
        (
            (a + a2 + P - 1) % P,
            (b + b2 + (n % P) * ((a + P - 1) % P)) % P,
        )
    };
    let mut adler = then((1, 0), sums(prefix), prefix.len() as u64);
    let mut out = vec![0x78, 0xda];
    if !prefix.is_empty() {
        out.extend_from_slice(&deflated(prefix));
    }
    let (piece, chunk_sums) = (deflated(chunk), sums(chunk));
    for _ in 0..times {
        out.extend_from_slice(&piece);
        adler = then(adler, chunk_sums, chunk.len() as u64);
    }
    // an empty final stored block
    out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    out.extend_from_slice(&(((adler.1 << 16) | adler.0) as u32).to_be_bytes());
    out
}

/// Scans `tree` with a plain file and a good PDF beside its hostile files, checks that both
/// are still found and nothing else is, and gives the one warning naming `hostile`.
fn scan_beside_good_files(tree: &Tree, hostile: &str) -> String {
    tree.write(
        "plain.env",
        format!("SF_CLIENT_ID={KEY1}\nSF_CLIENT_SECRET={HEX1}\n"),
    );
    let text = format!(
        "BT /F1 9 Tf 72 720 Td (salesforce client_id={KEY2}) Tj 0 -12 Td (client_secret={HEX2}) Tj ET"
    );
    tree.write("good.pdf", pdf_with(text.as_bytes(), None));
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    let mut paths: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    paths.sort();
    assert_eq!(paths, ["./good.pdf!page-1", "./plain.env"], "{}", r.stderr);
    // no document text, and nothing a parser said, reaches the user
    for quiet in ["salesforce", "panicked", "memory allocation", "backtrace"] {
        assert!(!r.stderr.contains(quiet), "{quiet}: {}", r.stderr);
    }
    let lines: Vec<&str> = r.stderr.lines().filter(|l| l.contains(hostile)).collect();
    assert_eq!(lines.len(), 1, "{}", r.stderr);
    lines[0].to_string()
}

#[test]
fn a_pdf_that_kills_its_parser_is_one_warning_and_the_scan_goes_on() {
    let tree = Tree::new();
    // 100 KB whose page content is one text line, then 32 million operands (64 MiB, under
    // the parser's own 256 MiB bound on a page's content): held as parsed objects, they
    // outgrow the memory the parser may use, and its allocation failure ends it
    let line = format!("BT /F1 9 Tf 72 720 Td (salesforce client_id={KEY3}) Tj ET\n");
    let content = zlib_repeating(line.as_bytes(), &b"0 ".repeat(1 << 19), 64);
    tree.write("dies.pdf", pdf_with(&content, Some("FlateDecode")));
    let warning = scan_beside_good_files(&tree, "dies.pdf");
    assert!(
        warning.contains("the PDF parser was killed by signal"),
        "{warning}"
    );
}

#[test]
fn hostile_pdfs_are_read_in_bounded_memory_and_the_scan_goes_on() {
    let tree = Tree::new();
    // a page whose content inflates to 2 GiB: the parser stops at its own 256 MiB bound on a
    // page's content and the page is empty
    tree.write("bomb.pdf", pdf_with(&zlib_zeros(2), Some("FlateDecode")));
    tree.write("garbage.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog");
    let warning = scan_beside_good_files(&tree, "garbage.pdf");
    assert!(warning.contains("not a readable PDF"), "{warning}");
    // a parser that answers more than the budget is cut off (its pipe closed, the child
    // ended): one warning, and the rest goes on
    let r = run(
        tree.path(),
        &[
            "scan",
            "--format",
            "json",
            "--max-decompressed-size",
            "100",
            ".",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("good.pdf: its text is over 100 bytes, the limit of one entry"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("salesforce"));
}

#[test]
fn history_and_staged_read_documents_in_blobs() {
    let repo = super::git::Repo::new();
    repo.write("README.md", "# ops\n");
    repo.commit("initial", "Alice", "2024-03-01T09:00:00+00:00");
    for f in ["runbook.docx", "guide.pdf"] {
        let data = std::fs::read(root().join(DOCS).join(f)).expect("fixture");
        repo.write(&format!("docs/{f}"), &data);
    }
    let added = repo.commit("add the runbooks", "Bob", "2024-03-02T09:00:00+00:00");
    let r = run(repo.path(), &["history", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    let findings = doc["findings"].as_array().expect("findings");
    let mut paths: Vec<&str> = findings.iter().filter_map(|f| f["path"].as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "docs/guide.pdf!page-2",
            "docs/runbook.docx!word/document.xml"
        ]
    );
    assert!(findings.iter().all(|f| f["commit"]["id"] == added.as_str()));

    let xlsx = std::fs::read(root().join(DOCS).join("settings.xlsx")).expect("fixture");
    repo.write("ops/settings.xlsx", &xlsx);
    repo.git(&["add", "ops/settings.xlsx"]);
    let r = run(repo.path(), &["staged", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.json()["findings"][0]["path"],
        "ops/settings.xlsx!xl/worksheets/sheet1.xml"
    );
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn base64_values_are_reported_decoded_at_the_encoded_place() {
    let tree = Tree::new();
    let secret = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: salesforce-sync\ntype: Opaque\ndata:\n  SF_CLIENT_ID: {}\n  SF_CLIENT_SECRET: {}\n  SF_PASSWORD: {}\n",
        b64(KEY1),
        b64(HEX1),
        b64("changeme")
    );
    tree.write("k8s/secret.yaml", &secret);
    // a whole .env encoded into one value of a chart's secrets
    let env = format!(
        "SF_LOGIN_URL=https://acme.my.salesforce.com\nSF_CLIENT_ID={KEY2}\nSF_CLIENT_SECRET={HEX2}\n"
    );
    tree.write(
        "deploy/values.yaml",
        format!("secrets:\n  envFile: {}\n", b64(&env)),
    );
    // and a file that is base64 whole, wrapped at 76 columns as `base64` writes it
    let env3 = format!("SF_CLIENT_ID={KEY3}\nSF_CLIENT_SECRET={HEX3}\n");
    let wrapped: Vec<String> = b64(&env3)
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    tree.write("deploy/sf.env.b64", format!("{}\n", wrapped.join("\n")));
    let r = run(
        tree.path(),
        &["scan", "--format", "json", "--show-secrets", "."],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    let findings = doc["findings"].as_array().expect("findings");
    let got: Vec<(&str, &str, u64, u64, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default(),
                f["secret"].as_str().unwrap_or_default(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
                f["decoded"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    // the decoded secret, at the line and column of its encoding; `changeme` is nothing
    assert_eq!(
        got,
        [
            ("./deploy/sf.env.b64", HEX3, 1, 1, "base64"),
            ("./deploy/values.yaml", HEX2, 2, 12, "base64"),
            ("./k8s/secret.yaml", HEX1, 8, 21, "base64"),
        ],
        "{}",
        r.stdout
    );
    assert!(findings.iter().all(|f| f["message"]
        .as_str()
        .is_some_and(|m| m.contains("decoded from base64"))));
    // its fingerprint is the decoded secret's: the same as the plain value's at that path
    let plain = Tree::new();
    plain.write(
        "k8s/secret.yaml",
        format!("salesforce:\n  SF_CLIENT_SECRET: {HEX1}\n"),
    );
    let p = run(plain.path(), &["scan", "--format", "json", "."]);
    assert_eq!(
        p.json()["findings"][0]["fingerprint"],
        doc["findings"][2]["fingerprint"]
    );
    // and a baseline made of the decoded findings hides them
    std::fs::write(tree.path().join("baseline.json"), &r.stdout).expect("baseline");
    let again = run(tree.path(), &["scan", "--baseline", "baseline.json", "."]);
    assert_eq!(again.code, 0, "{}", again.stderr);
}

#[test]
fn container_paths_reach_sarif_allowlists_and_baselines() {
    let tree = Tree::new();
    let docx = std::fs::read(root().join(DOCS).join("runbook.docx")).expect("docx");
    let jar = std::fs::read(root().join("testdata/archives/service.jar")).expect("jar");
    tree.write("docs/runbook.docx", &docx);
    tree.write("lib/service.jar", &jar);
    let r = run(tree.path(), &["scan", "--format", "sarif", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).expect("sarif");
    assert_valid_sarif(&doc);
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let mut got: Vec<(String, String)> = results
        .iter()
        .map(|res| {
            let loc = &res["locations"][0];
            (
                loc["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                res["properties"]["innerPath"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    got.sort();
    // the artifact is the file a dashboard can open; the path through it is the result's
    assert_eq!(
        got,
        [
            (
                "docs/runbook.docx".to_string(),
                "word/document.xml".to_string()
            ),
            (
                "lib/service.jar".to_string(),
                "BOOT-INF/classes/application.properties".to_string()
            ),
        ]
    );
    let logical = &results[0]["locations"][0]["logicalLocations"][0];
    assert!(
        logical["fullyQualifiedName"]
            .as_str()
            .is_some_and(|n| n.contains('!')),
        "{logical}"
    );

    // an allowlist glob can name a path inside a container
    tree.write(
        ".sfleaks.toml",
        "[allowlist]\npaths = [\"lib/*.jar!BOOT-INF/**\"]\n",
    );
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    let paths: Vec<String> = r.json()["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f["path"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        paths,
        ["./docs/runbook.docx!word/document.xml"],
        "{}",
        r.stderr
    );

    // a baseline records inner paths: the same document elsewhere is a new finding
    std::fs::remove_file(tree.path().join(".sfleaks.toml")).expect("rm");
    let base = run(tree.path(), &["scan", "--format", "json", "."]);
    std::fs::write(tree.path().join("base.json"), &base.stdout).expect("baseline");
    assert_eq!(
        run(tree.path(), &["scan", "--baseline", "base.json", "."]).code,
        0
    );
    tree.write("archive/runbook-2023.docx", &docx);
    let r = run(
        tree.path(),
        &["scan", "--baseline", "base.json", "--format", "json", "."],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.json()["findings"][0]["path"],
        "./archive/runbook-2023.docx!word/document.xml"
    );
}

#[test]
fn long_values_without_a_keyword_and_short_values_of_a_json_secret_are_decoded() {
    let tree = Tree::new();
    // no keyword anywhere in the file's own text (no consumer key either, whose encoding is
    // a keyword of its own): the keywords are inside the encoding
    let env = format!(
        "SF_LOGIN_URL=https://acme.my.salesforce.com\nSF_GRANT_TYPE=client_credentials\nSF_CLIENT_SECRET={HEX1}\n"
    );
    tree.write(
        "ci/vars.yml",
        format!("variables:\n  ENV_FILE: {}\n", b64(&env)),
    );
    // a Secret in compact JSON: every data value is base64, a short one too
    tree.write(
        "k8s/sf.json",
        format!(
            "{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{{\"name\":\"sf\"}},\"data\":{{\"SF_USERNAME\":\"{}\",\"SF_PASSWORD\":\"{}\",\"SF_CLIENT_ID\":\"{}\"}}}}\n",
            b64("integration@acme.example"),
            b64(PW1),
            b64(KEY2)
        ),
    );
    // long base64 that is not text (a digest, an image) stays what it is
    let digest: String = (0..96)
        .map(|i| (b'A' + (i * 7 % 26) as u8) as char)
        .collect();
    tree.write(
        "web/lock.json",
        format!("{{\"integrity\": \"sha512-{digest}==\"}}\n"),
    );
    let r = run(
        tree.path(),
        &["scan", "--format", "json", "--show-secrets", "."],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let got: Vec<(String, String, String)> = r.json()["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["secret"].as_str().unwrap_or_default().to_string(),
                f["decoded"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let has = |path: &str, secret: &str| {
        got.iter()
            .any(|g| g.0 == path && g.1 == secret && g.2 == "base64")
    };
    assert!(has("./ci/vars.yml", HEX1), "{got:?}");
    assert!(
        has("./k8s/sf.json", PW1),
        "the short password value: {got:?}"
    );
    assert!(!got.iter().any(|g| g.0 == "./web/lock.json"), "{got:?}");
}

#[test]
fn a_documents_parts_are_each_others_context() {
    // the runbook's body holds the secret; its header, the app's key and the token call
    let body = format!(
        "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>Integration user settings</w:t></w:r></w:p><w:p><w:r><w:t>client_secret: {HEX1}</w:t></w:r></w:p></w:body></w:document>"
    );
    let header = format!(
        "<w:hdr xmlns:w=\"w\"><w:p><w:r><w:t>POST https://acme.my.salesforce.com/services/oauth2/token grant_type=client_credentials client_id={KEY1}</w:t></w:r></w:p></w:hdr>"
    );
    let docx = |parts: &[(&str, &[u8])]| {
        let mut all: Vec<(&str, &[u8])> = vec![("[Content_Types].xml", b"<Types/>")];
        all.extend_from_slice(parts);
        zip_of(&all)
    };
    let tree = Tree::new();
    tree.write(
        "docs/runbook.docx",
        docx(&[
            ("word/document.xml", body.as_bytes()),
            ("word/header1.xml", header.as_bytes()),
        ]),
    );
    tree.write(
        "docs/body-only.docx",
        docx(&[("word/document.xml", body.as_bytes())]),
    );
    let r = run(tree.path(), &["scan", "--format", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    let find = |path: &str| {
        doc["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["path"] == path && f["rule"] == "salesforce-consumer-secret")
            .cloned()
            .unwrap_or_else(|| panic!("no finding at {path}: {}", r.stdout))
    };
    let with = find("./docs/runbook.docx!word/document.xml");
    assert_eq!(with["severity"], "critical", "{with}");
    // the body alone: `client_secret` names no Salesforce, and nothing else there does
    assert_eq!(
        doc["findings"].as_array().map(Vec::len),
        Some(1),
        "{}",
        r.stdout
    );
    // placed in its own part, line 2 of the body's text; the evidence names the header
    assert_eq!(with["line"], 2);
    let parts: Vec<(&str, &str)> = with["evidence"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or(""),
                e["part"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        parts.contains(&("token-endpoint", "word/header1.xml")),
        "{parts:?}"
    );
    assert!(
        parts.contains(&("consumer-key", "word/header1.xml")),
        "{parts:?}"
    );
}
