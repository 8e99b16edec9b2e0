//! `--format html`: one self-contained page to read and hand on. Everything is inline (no
//! network, no CDN; a Content-Security-Policy allows only the page's own style and script, by
//! hash): counts by severity and rule, charts of findings by severity and by the month they
//! were introduced, a table per repository and per secret (fleet merges), and every finding
//! in a sortable, filterable table with its evidence, rationale and remediation. The page
//! reads without script; the script adds sorting and filtering (`#severity=high&q=text` in
//! the address filters on opening, `#sort=cvss&dir=asc` sorts).

use super::secrets::group;
use super::{Printer, Report};
use crate::finding::{Finding, Severity};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The HTML printer.
#[derive(Debug)]
pub struct Html;

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header,main{max-width:1200px;margin:0 auto;padding:12px 24px}
header{background:#0b3d62;color:#fff;max-width:none}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}
h2{font-size:17px;margin:22px 0 8px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:#fff;border-radius:6px;padding:10px 16px;min-width:110px;border-left:6px solid #888;box-shadow:0 1px 2px #0002}
.card b{display:block;font-size:26px}
.sev-critical{border-color:#8b0000}.sev-high{border-color:#d7301f}.sev-medium{border-color:#f08c00}.sev-low{border-color:#2b6cb0}.sev-info{border-color:#8a939c}
.charts{display:flex;gap:24px;flex-wrap:wrap}
.chart{background:#fff;border-radius:6px;padding:8px 12px;box-shadow:0 1px 2px #0002}
table{border-collapse:collapse;background:#fff;width:100%;box-shadow:0 1px 2px #0002}
th,td{padding:5px 8px;border-bottom:1px solid #e3e6ea;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600;white-space:nowrap}
th[data-sort]{cursor:pointer}th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.num,th.num{text-align:right}
code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
code.id{word-break:normal;white-space:nowrap}
.pill{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px;font-weight:600}
.pill.critical{background:#8b0000}.pill.high{background:#d7301f}.pill.medium{background:#f08c00}.pill.low{background:#2b6cb0}.pill.info{background:#8a939c}
tr.suppressed td{opacity:.55}
.filters{display:flex;gap:12px;align-items:center;margin:8px 0}
.filters input{padding:4px 8px;min-width:260px}
details p{margin:4px 0}details ul{margin:4px 0;padding-left:18px}
.muted{color:#5b636b}
"#;

const SCRIPT: &str = r#"
(function () {
  "use strict";
  var table = document.getElementById("findings");
  if (!table) { document.body.setAttribute("data-ready", "1"); return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("q");
  var sev = document.getElementById("severity");
  var shown = document.getElementById("shown");
  function apply() {
    var text = q.value.trim().toLowerCase();
    var level = sev.value;
    var n = 0;
    rows.forEach(function (r) {
      var ok = (!text || r.textContent.toLowerCase().indexOf(text) >= 0) &&
        (!level || r.getAttribute("data-severity") === level);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = String(n);
    document.body.setAttribute("data-shown", String(n));
  }
  function key(row, i) {
    var c = row.cells[i];
    return c.hasAttribute("data-sort") ? c.getAttribute("data-sort") : c.textContent.trim();
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    if (!th.hasAttribute("data-sort")) { return; }
    th.addEventListener("click", function () {
      var down = th.getAttribute("aria-sort") !== "descending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      var numeric = th.getAttribute("data-sort") === "number";
      rows.sort(function (a, b) {
        var x = key(a, i), y = key(b, i);
        var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return down ? -c : c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  var hash = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (hash.has("q")) { q.value = hash.get("q"); }
  if (hash.has("severity")) { sev.value = hash.get("severity"); }
  if (hash.has("sort")) {
    var th = table.tHead.querySelector('th[data-key="' + hash.get("sort").replace(/[^a-z]/g, "") + '"]');
    if (th) {
      th.click();
      if (hash.get("dir") === "asc") { th.click(); }
    }
  }
  q.addEventListener("input", apply);
  sev.addEventListener("change", apply);
  apply();
  document.body.setAttribute("data-ready", "1");
})();
"#;

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The CSP source for an inline block: its SHA-256 in base64.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn colour(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "#8b0000",
        Severity::High => "#d7301f",
        Severity::Medium => "#f08c00",
        Severity::Low => "#2b6cb0",
        Severity::Info => "#8a939c",
    }
}

/// A bar chart as inline SVG: one bar per (label, value, colour).
fn bars(title: &str, id: &str, data: &[(String, usize, &str)]) -> String {
    let max = data.iter().map(|d| d.1).max().unwrap_or(0).max(1);
    let (bar_w, gap, h) = (
        if data.len() > 12 { 22 } else { 48 },
        if data.len() > 12 { 6 } else { 14 },
        150,
    );
    let width = (data.len() * (bar_w + gap)).max(200) + 44;
    let mut s = format!(
        "<figure class=\"chart\" id=\"{id}\"><figcaption>{}</figcaption>\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{}\" role=\"img\" aria-label=\"{}\">",
        esc(title),
        h + 60,
        esc(title)
    );
    for (i, (label, value, fill)) in data.iter().enumerate() {
        let x = 34 + i * (bar_w + gap);
        let bh = value * h / max;
        let y = 10 + h - bh;
        let _ = write!(
            s,
            "<g data-label=\"{l}\" data-value=\"{value}\"><rect x=\"{x}\" y=\"{y}\" width=\"{bar_w}\" height=\"{bh}\" fill=\"{fill}\"><title>{l}: {value}</title></rect>\
             <text x=\"{cx}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"middle\">{value}</text>\
             <text x=\"{cx}\" y=\"{ly}\" font-size=\"10\" text-anchor=\"end\" transform=\"rotate(-35 {cx} {ly})\">{l}</text></g>",
            l = esc(label),
            cx = x + bar_w / 2,
            ty = y.saturating_sub(3).max(9),
            ly = h + 26,
        );
    }
    s.push_str("</svg></figure>");
    s
}

fn pill(sev: Severity) -> String {
    format!("<span class=\"pill {0}\">{0}</span>", sev.as_str())
}

fn rank(sev: Severity) -> usize {
    Severity::ALL.iter().position(|s| *s == sev).unwrap_or(0)
}

fn place(f: &Finding) -> String {
    format!("{}:{}:{}", f.path, f.line, f.column)
}

impl Printer for Html {
    fn print(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let counted: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| !f.is_suppressed())
            .collect();
        let fleet = report.findings.iter().any(|f| f.repository().is_some());
        let secrets = group(counted.iter().copied());
        let mut h = String::with_capacity(64 << 10);
        head(&mut h, report, fleet);
        let by_sev = summary(&mut h, &counted, secrets.len(), report.stats);
        charts(&mut h, &by_sev, &secrets);
        by_rule(&mut h, report, &counted);
        if fleet {
            by_repository(&mut h, &counted);
        }
        by_secret(&mut h, &secrets, fleet, report.show_secrets);
        findings(&mut h, report, fleet);
        h.push_str("</main><script>");
        h.push_str(SCRIPT);
        h.push_str("</script></body></html>\n");
        out.write_all(h.as_bytes())
    }
}

/// The document's head (with the CSP) and the page header.
fn head(h: &mut String, report: &Report, fleet: bool) {
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    );
    let scanned = match (report.vcs, report.root) {
        (Some(v), _) => format!("{} at {}", v.repository_uri, v.revision),
        (None, Some(r)) => r.display().to_string(),
        (None, None) if fleet => "a fleet of repositories".to_string(),
        (None, None) => "files".to_string(),
    };
    let st = report.stats;
    let what = if st.commits > 0 {
        format!("{} blobs from {} commits", st.files, st.commits)
    } else {
        format!("{} files", st.files)
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"sfleaks {ver}\">\
         <title>sfleaks report: {title}</title><style>{STYLE}</style></head>\n<body>\
         <header><h1>sfleaks: Salesforce credentials report</h1>\
         <p>{title}: {what}, {ms} ms; failing at {fail} and above. sfleaks {ver}.</p></header><main>",
        ver = env!("CARGO_PKG_VERSION"),
        title = esc(&scanned),
        ms = st.elapsed_ms,
        fail = report.fail_on,
    );
}

/// The cards: findings, distinct secrets, each severity, what is hidden.
fn summary(
    h: &mut String,
    counted: &[&Finding],
    distinct: usize,
    st: &crate::scan::Stats,
) -> BTreeMap<Severity, usize> {
    // counts by severity
    let mut by_sev: BTreeMap<Severity, usize> = BTreeMap::new();
    for f in counted {
        *by_sev.entry(f.severity).or_default() += 1;
    }
    let _ = write!(
        h,
        "<h2>Summary</h2><div class=\"cards\">\
         <div class=\"card\" id=\"total\" data-count=\"{}\"><b>{}</b>findings</div>\
         <div class=\"card\" id=\"distinct\" data-count=\"{}\"><b>{}</b>distinct secrets</div>",
        counted.len(),
        counted.len(),
        distinct,
        distinct
    );
    for sev in Severity::ALL.iter().rev() {
        let n = by_sev.get(sev).copied().unwrap_or(0);
        let _ = write!(
            h,
            "<div class=\"card sev-{s}\" data-severity=\"{s}\" data-count=\"{n}\"><b>{n}</b>{s}</div>",
            s = sev.as_str()
        );
    }
    let hidden = st.suppressed + st.baselined + st.allowlisted;
    let _ = write!(
        h,
        "</div><p class=\"muted\" id=\"hidden\" data-count=\"{hidden}\">{hidden} more hidden: {} by inline allow comments, {} by the baseline, {} by the allowlist.</p>",
        st.suppressed, st.baselined, st.allowlisted
    );

    by_sev
}

/// Findings by severity, and secrets by the month their introducing commit was made.
fn charts(h: &mut String, by_sev: &BTreeMap<Severity, usize>, secrets: &[super::secrets::Secret]) {
    // charts
    let sev_data: Vec<(String, usize, &str)> = Severity::ALL
        .iter()
        .rev()
        .map(|s| {
            (
                s.as_str().to_string(),
                by_sev.get(s).copied().unwrap_or(0),
                colour(*s),
            )
        })
        .collect();
    let mut months: BTreeMap<String, usize> = BTreeMap::new();
    for s in secrets {
        if let Some(c) = s.introduced() {
            *months
                .entry(c.date.get(..7).unwrap_or(&c.date).to_string())
                .or_default() += 1;
        }
    }
    h.push_str("<h2>Charts</h2><div class=\"charts\">");
    h.push_str(&bars("Findings by severity", "chart-severity", &sev_data));
    if months.is_empty() {
        h.push_str("<figure class=\"chart\" id=\"chart-introduced\"><figcaption>Secrets by month introduced</figcaption><p class=\"muted\">No commit dates: these are files on disk, not history.</p></figure>");
    } else {
        let data: Vec<(String, usize, &str)> =
            months.into_iter().map(|(m, n)| (m, n, "#0b3d62")).collect();
        h.push_str(&bars(
            "Secrets by month introduced",
            "chart-introduced",
            &data,
        ));
    }
    h.push_str("</div>");
}

/// A row per rule: its name, highest severity and count.
fn by_rule(h: &mut String, report: &Report, counted: &[&Finding]) {
    // by rule
    let mut by_rule: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
    for f in counted {
        let e = by_rule.entry(&f.rule).or_insert((0, Severity::Info));
        e.0 += 1;
        e.1 = e.1.max(f.severity);
    }
    h.push_str("<h2>By rule</h2><table id=\"rules\"><thead><tr><th>Rule</th><th>What it finds</th><th>Highest</th><th class=\"num\">Findings</th></tr></thead><tbody>");
    for (rule, (n, top)) in &by_rule {
        let name = report
            .rules
            .rule(rule)
            .map(|r| r.name.as_str())
            .unwrap_or("");
        let _ = write!(
            h,
            "<tr data-rule=\"{r}\" data-count=\"{n}\"><td><code>{r}</code></td><td>{}</td><td>{}</td><td class=\"num\">{n}</td></tr>",
            esc(name),
            pill(*top),
            r = esc(rule)
        );
    }
    h.push_str("</tbody></table>");
}

/// Per repository of a fleet: total, distinct secrets, each severity.
fn by_repository(h: &mut String, counted: &[&Finding]) {
    /// Findings, per severity, secret identities.
    type Tally<'a> = (usize, BTreeMap<Severity, usize>, Vec<&'a str>);
    let mut repos: BTreeMap<&str, Tally> = BTreeMap::new();
    for f in counted {
        let e = repos.entry(f.repository().unwrap_or("")).or_default();
        e.0 += 1;
        *e.1.entry(f.severity).or_default() += 1;
        e.2.push(f.identity());
    }
    h.push_str("<h2>By repository</h2><table id=\"repositories\"><thead><tr><th>Repository</th><th class=\"num\">Findings</th><th class=\"num\">Distinct secrets</th><th class=\"num\">critical</th><th class=\"num\">high</th><th class=\"num\">medium</th><th class=\"num\">low</th><th class=\"num\">info</th></tr></thead><tbody>");
    for (repo, (n, sevs, ids)) in &mut repos {
        ids.sort_unstable();
        ids.dedup();
        let _ = write!(
            h,
            "<tr data-repository=\"{r}\" data-count=\"{n}\"><td><code>{r}</code></td><td class=\"num\">{n}</td><td class=\"num\">{}</td>",
            ids.len(),
            r = esc(repo)
        );
        for sev in Severity::ALL.iter().rev() {
            let _ = write!(
                h,
                "<td class=\"num\">{}</td>",
                sevs.get(sev).copied().unwrap_or(0)
            );
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
}

/// A row per distinct secret: where it first came in and how many places hold it.
fn by_secret(h: &mut String, secrets: &[super::secrets::Secret], fleet: bool, show: bool) {
    // per secret
    let _ = write!(
        h,
        "<h2>By secret</h2><table id=\"secrets\"><thead><tr><th>Severity</th><th>Rule</th><th>Secret</th><th class=\"num\">Places</th>{}<th>First introduced</th></tr></thead><tbody>",
        if fleet { "<th class=\"num\">Repositories</th>" } else { "" }
    );
    for s in secrets {
        let f = s.primary;
        let intro = s
            .introduced()
            .map(|c| {
                format!(
                    "{} <code>{}</code>",
                    esc(&c.date),
                    esc(c.id.get(..12).unwrap_or(&c.id))
                )
            })
            .unwrap_or_else(|| "<span class=\"muted\">on disk</span>".into());
        let _ = write!(
            h,
            "<tr data-secret-id=\"{}\" data-places=\"{}\"><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td class=\"num\">{}</td>",
            esc(&f.secret_id()),
            s.locations.len(),
            pill(f.severity),
            esc(&f.rule),
            esc(&f.shown_secret(show)),
            s.locations.len()
        );
        if fleet {
            let mut r: Vec<&str> = s.locations.iter().filter_map(|l| l.repository()).collect();
            r.sort_unstable();
            r.dedup();
            let _ = write!(h, "<td class=\"num\">{}</td>", r.len());
        }
        let _ = write!(h, "<td>{intro}</td></tr>");
    }
    h.push_str("</tbody></table>");
}

/// Every finding, sortable and filterable, with its details.
fn findings(h: &mut String, report: &Report, fleet: bool) {
    let show = report.show_secrets;
    // every finding
    let _ = write!(
        h,
        "<h2>Findings</h2><div class=\"filters\"><label>Filter <input id=\"q\" type=\"search\" placeholder=\"path, rule, commit, author...\"></label>\
         <label>Severity <select id=\"severity\"><option value=\"\">any</option>{}</select></label>\
         <span><span id=\"shown\">{}</span> of {} shown</span></div>\
         <table id=\"findings\"><thead><tr><th data-sort=\"number\" data-key=\"severity\">Severity</th><th data-sort=\"text\" data-key=\"rule\">Rule</th>{}<th data-sort=\"text\" data-key=\"location\">Location</th>\
         <th data-sort=\"text\" data-key=\"introduced\">Introduced</th><th data-sort=\"text\" data-key=\"secret\">Secret</th><th data-sort=\"number\" data-key=\"cvss\">CVSS</th><th>Details</th></tr></thead><tbody>",
        Severity::ALL
            .iter()
            .rev()
            .map(|s| format!("<option>{}</option>", s.as_str()))
            .collect::<String>(),
        report.findings.len(),
        report.findings.len(),
        if fleet { "<th data-sort=\"text\" data-key=\"repository\">Repository</th>" } else { "" }
    );
    for f in report.findings {
        let _ = write!(
            h,
            "<tr data-severity=\"{s}\" data-rule=\"{r}\" data-fingerprint=\"{fp}\"{cls}><td data-sort=\"{rank}\">{pill}{sup}</td><td><code class=\"id\">{r}</code></td>",
            s = f.severity.as_str(),
            r = esc(&f.rule),
            fp = esc(&f.fingerprint),
            cls = if f.is_suppressed() { " class=\"suppressed\"" } else { "" },
            rank = rank(f.severity),
            pill = pill(f.severity),
            sup = f
                .suppressed
                .map(|w| format!(" <span class=\"muted\">suppressed ({})</span>", w.as_str()))
                .unwrap_or_default(),
        );
        if fleet {
            let _ = write!(
                h,
                "<td><code>{}</code></td>",
                esc(f.repository().unwrap_or(""))
            );
        }
        let (intro, intro_key) = match &f.commit {
            Some(c) => (
                format!(
                    "{} <code>{}</code><br>{}",
                    esc(c.date.get(..10).unwrap_or(&c.date)),
                    esc(c.id.get(..12).unwrap_or(&c.id)),
                    esc(&c.author)
                ),
                c.date.clone(),
            ),
            None => (
                "<span class=\"muted\">on disk</span>".to_string(),
                String::new(),
            ),
        };
        let _ = write!(
            h,
            "<td><code>{}</code></td><td data-sort=\"{}\">{intro}</td><td><code>{}</code></td><td class=\"num\" data-sort=\"{:.1}\">{:.1}</td><td><details><summary>{}</summary>",
            esc(&place(f)),
            esc(&intro_key),
            esc(&f.shown_secret(show)),
            f.cvss,
            f.cvss,
            esc(&f.message)
        );
        let _ = write!(h, "<p><b>Why:</b> {}</p>", esc(&f.rationale));
        if !f.evidence.is_empty() {
            h.push_str("<p><b>Evidence:</b></p><ul>");
            for e in &f.evidence {
                let _ = write!(
                    h,
                    "<li>{}line {} ({}): <code>{}</code></li>",
                    e.part
                        .as_deref()
                        .map(|p| format!("{} ", esc(p)))
                        .unwrap_or_default(),
                    e.line,
                    esc(&e.kind),
                    esc(&e.shown_text(show))
                );
            }
            h.push_str("</ul>");
        }
        if let Some(c) = &f.commit {
            let _ = write!(
                h,
                "<p><b>Commit:</b> <code>{}</code> by {} &lt;{}&gt;: {}</p>",
                esc(&c.id),
                esc(&c.author),
                esc(&c.email),
                esc(&c.summary)
            );
        }
        if let Some(v) = &f.verification {
            let _ = write!(
                h,
                "<p><b>Verified:</b> {} ({})</p>",
                v.status.as_str(),
                esc(&v.detail)
            );
        }
        let _ = write!(
            h,
            "<p><b>Fix:</b> {}</p><p class=\"muted\">fingerprint <code>{}</code></p></details></td></tr>",
            esc(&f.remediation),
            esc(&f.fingerprint)
        );
    }
    h.push_str("</tbody></table>");
    if report.findings.is_empty() {
        h.push_str("<p id=\"none\">No Salesforce credentials found.</p>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_content_and_attributes() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
