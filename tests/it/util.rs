//! Helpers: run the binary, build temp trees, read fixtures.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

// Synthetic credentials of the right shapes (generated with a seeded RNG; never real).
pub const KEY1: &str =
    "3MVG9W_uwlWXxdjm2IogKRDPfhIg8Ez9oP0ZV1YUgHNMqhQY_CIb27Mxm85v0eqHp2ERuLGQZl3NAcZCf_jCm";
pub const KEY2: &str =
    "3MVG9dQdY7Ez.zFZQHNIcOvTBP6tUWfm0kOqpQyu1OlFdyKhlIB3opX37AKcL1rxIu4sHSC.GxMEPYZNFeHFX";
pub const KEY3: &str =
    "3MVG9ZlwDpvt1lYmzB5UvoTad_.q5QMegD5vfX3i1HDY0hWokTpXtZVuKRT_L_K4kxegm7LKhdiXWnhiId2BJ";
pub const HEX1: &str = "EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248";
pub const HEX2: &str = "4894A20CE027AA84B1A1CF05F3518B25A5321BD677CDFB319F40F289ACF40674";
pub const HEX3: &str = "842FE6813762CC6E2B60F16DF5FCDA21E403D5484DCE989B75B939CB9985A759";
pub const HEX4: &str = "8E0F171B14361BA8CC03C7E62F72B7F619DA077FEE76122B7C8BA96192DB4E81";
pub const HEX5: &str = "F39F4E7626BFAA7A29B866FA46C7DA4E04F3DD16BC5FBC4CBD38CFBE2C847531";
pub const HEX6: &str = "45EEA8B94DA8355D01BCA3A8E3222A375CC1A68A62C33CF056C7BAB8184E4CCB";
pub const HEX7: &str = "9562AD859B81567BC00A01DBD0F25005FEFDB03CBF5C39749E2C491EB9487395";
pub const DIG1: &str = "7513047454207447032";
pub const DIG2: &str = "8610506640643069177";
pub const DIG3: &str = "3579363309056354790";
pub const ACCESS1: &str = "00DXbVQHAofyzjK!ARh6PuZ.8NINBcRisYZjBPmhlMfGDe4NOAMwPSRWUhGfidND7689cnBWL_2AEdxdRwPjb48bzxaIMe4cQUd8CvcrVFdls7gX";
pub const REFRESH1: &str =
    "5Aep8619zzzSRyRbJH9bS8WjYhy8mq8QQmQmNXfhQ7umc73o6ygsnajA3BJKs3EnXZ6OGnQc9_EKbyOCKrnVU9w";
pub const REFRESH2: &str =
    "5Aep861k7.zy2XLT3FJ.cOV8FWCuMMp7zCU7FkHUD5IHFfQpWl9NwcU4wsbWB5Y_sxDE1tMIKS9HDMIUDL61wh4";
pub const PW1: &str = "WdRYAXwUr5c0Qe";
pub const TOKEN1: &str = "yBPkjDYC2p7ludSJHqzCHEmN";
pub const PW2_WITH_TOKEN: &str = "71ZVAtdzpSB787HBswWjorq3ntSG5HQh27IVMG";
pub const PW3: &str = "eQuk#SQiXEg6sD";
pub const TOKEN3: &str = "aQphY4P0sNw33FXudKGgzz34";
pub const PW4: &str = "YxGrzK04VXBit#";
pub const TOKEN4: &str = "B3e28efcpGKeWLZNp9lJ8vdc";

pub const PW5: &str = "Xk29dkq0vB71";

/// Every raw test secret, for "never printed" checks.
pub const ALL_SECRETS: &[&str] = &[
    HEX1,
    HEX2,
    HEX3,
    HEX4,
    HEX5,
    HEX6,
    HEX7,
    DIG1,
    DIG2,
    DIG3,
    ACCESS1,
    REFRESH1,
    REFRESH2,
    PW1,
    TOKEN1,
    PW2_WITH_TOKEN,
    PW3,
    TOKEN3,
    PW4,
    TOKEN4,
];

/// The built binary, run from `dir`.
pub fn sfleaks(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("sfleaks").expect("binary built");
    // a hang (a FIFO read, a corrupt object) fails the test instead of stalling the suite
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .timeout(std::time::Duration::from_secs(120));
    cmd
}

/// The crate root (fixtures are addressed relative to it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Result of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The JSON report with one finding per location (the report groups a secret's
    /// locations; most tests check places): each location becomes a copy of its finding.
    pub fn json(&self) -> Value {
        let mut doc = self.grouped();
        if let Some(list) = doc["findings"].as_array() {
            let mut flat: Vec<Value> = list.iter().flat_map(per_location).collect();
            let key = |f: &Value| {
                (
                    f["path"].as_str().unwrap_or_default().to_string(),
                    f["line"].as_u64(),
                    f["column"].as_u64(),
                    f["rule"].as_str().unwrap_or_default().to_string(),
                    f["fingerprint"].as_str().unwrap_or_default().to_string(),
                )
            };
            flat.sort_by_key(key);
            doc["findings"] = Value::Array(flat);
        }
        doc
    }

    /// The JSON report as printed: one finding per secret, with its `locations`.
    pub fn grouped(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// One copy of a grouped finding per location, with that location's place and fingerprint.
fn per_location(f: &Value) -> Vec<Value> {
    let Some(locations) = f["locations"].as_array() else {
        return vec![f.clone()];
    };
    locations
        .iter()
        .map(|l| {
            let mut one = f.clone();
            for key in [
                "path",
                "line",
                "column",
                "severity",
                "cvss",
                "fingerprint",
                "suppressed",
            ] {
                one[key] = l[key].clone();
            }
            if let Some(id) = l["commit"].as_str() {
                if one["commit"]["id"].as_str() != Some(id) {
                    one["commit"]["id"] = Value::String(id.to_string());
                }
            }
            if let Some(obj) = one.as_object_mut() {
                obj.remove("locations");
            }
            one
        })
        .collect()
}

/// A JSON scan of `path` (relative to the crate root) with no config file: this repository's
/// own `.sfleaks.toml` allowlists testdata/. `extra` goes before the path.
pub fn scan_fixture(path: &str, extra: &[&str]) -> Run {
    let mut args = vec!["scan", "--config", "/dev/null", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(path);
    run(&root(), &args)
}

/// Runs the binary with `args` in `dir` and captures everything.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    run_with_stdin(dir, args, "")
}

/// Runs with extra environment variables.
pub fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = sfleaks(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().expect("binary runs");
    Run::checked(args, &out)
}

/// Same, feeding `stdin`.
pub fn run_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Run {
    let out = sfleaks(dir)
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("binary runs");
    Run::checked(args, &out)
}

impl Run {
    /// Any process's result (a script, git, pre-commit), as text.
    pub fn of(out: &std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The run's result; a JSON or JSON Lines report on stdout is first validated against
    /// the published schema (schemas/report.schema.json), so every test checks it.
    pub fn checked<S: AsRef<std::ffi::OsStr>>(args: &[S], out: &std::process::Output) -> Run {
        let run = Run::of(out);
        let args: Vec<String> = args
            .iter()
            .map(|a| a.as_ref().to_string_lossy().into_owned())
            .collect();
        if matches!(run.code, 0 | 1) {
            if let Some(format) = report_format(&args) {
                assert_valid_report(format, &run.stdout);
            }
        }
        run
    }
}

/// The JSON format a command prints as a report on stdout, if any.
fn report_format(args: &[String]) -> Option<&'static str> {
    let reporting = ["scan", "history", "staged", "merge"];
    let cmd = args.iter().find(|a| !a.starts_with('-') && *a != "fleet")?;
    if !reporting.contains(&cmd.as_str()) || args.iter().any(|a| a == "-o" || a == "--output") {
        return None;
    }
    let value = args.iter().enumerate().find_map(|(i, a)| match a.as_str() {
        "-f" | "--format" => args.get(i + 1).cloned(),
        _ => a.strip_prefix("--format=").map(str::to_string),
    });
    match value.as_deref() {
        Some("json") => Some("json"),
        Some("jsonl") => Some("jsonl"),
        _ => None,
    }
}

/// Validators for the JSON report and for one JSON Lines line, built once.
fn report_validators() -> &'static (jsonschema::Validator, jsonschema::Validator) {
    static V: std::sync::OnceLock<(jsonschema::Validator, jsonschema::Validator)> =
        std::sync::OnceLock::new();
    V.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("schemas/report.schema.json"))
            .expect("schema in the repository");
        let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
        let build = |s: &Value| {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .build(s)
                .expect("schema compiles")
        };
        let mut line = serde_json::json!({"$schema": schema["$schema"], "$defs": schema["$defs"]});
        line["$ref"] = Value::String("#/$defs/line".into());
        (build(&schema), build(&line))
    })
}

/// Fails unless `text` is a JSON report (or JSON Lines of findings) the schema allows.
pub fn assert_valid_report(format: &str, text: &str) {
    let (doc_v, line_v) = report_validators();
    let check = |v: &jsonschema::Validator, doc: &Value, what: &str| {
        let errors: Vec<String> = v
            .iter_errors(doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} breaks schemas/report.schema.json: {errors:#?}"
        );
    };
    if format == "json" {
        let doc: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("report is not JSON ({e}):\n{text}"));
        check(doc_v, &doc, "the JSON report");
    } else {
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let doc: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("line {} is not JSON ({e}): {line}", i + 1));
            check(line_v, &doc, &format!("JSON Lines line {}", i + 1));
        }
    }
}

/// A temp directory to build trees in.
pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Tree {
        Tree {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Tree {
        let p = self.dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
        self
    }
}

/// Findings of a JSON report as (path, rule, severity, line, column) tuples, sorted.
pub fn summary(report: &Value) -> Vec<(String, String, String, u64, u64)> {
    let mut v: Vec<_> = report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

/// 1-based line and column (in characters) of the first occurrence of `needle` in a file.
pub fn position_of(file: &Path, needle: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(file).expect("fixture readable");
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {}", file.display()));
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..at].chars().count() as u64 + 1;
    (line, col)
}

/// A zip with these (name, bytes) entries, deflated.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).expect("entry");
        std::io::Write::write_all(&mut w, data).expect("write");
    }
    w.finish().expect("zip").into_inner()
}
