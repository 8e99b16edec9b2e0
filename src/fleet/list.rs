//! `fleet list`: an organisation's repositories from the GitHub or GitLab REST API, every
//! page followed (`Link: rel="next"`), rate limits waited out (`Retry-After`,
//! `X-RateLimit-Reset`) a bounded number of times. The token comes from `GITHUB_TOKEN` or
//! `GITLAB_TOKEN`, goes only to the API's own host, and is never printed.

use super::repos::{self, Repo};
use crate::cli::FleetListArgs;
use serde_json::Value;
use std::time::Duration;

/// Attempts at one page before giving up (rate limits and server errors).
const ATTEMPTS: u32 = 6;
/// The longest wait for a rate limit to reset; a longer one is an error saying until when.
const MAX_WAIT: Duration = Duration::from_secs(900);
/// Pages at most (100 repositories each): a loop in `Link` headers ends here.
const MAX_PAGES: usize = 10_000;

/// Which API.
enum Host {
    GitHub,
    GitLab,
}

/// Lists, filters and writes the repositories.
pub fn run(args: &FleetListArgs) -> Result<(), String> {
    let (host, base, first) = start(args)?;
    let token = match host {
        Host::GitHub => env_token("GITHUB_TOKEN"),
        Host::GitLab => env_token("GITLAB_TOKEN"),
    };
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .redirects(0)
        .user_agent(concat!("sfleaks/", env!("CARGO_PKG_VERSION")))
        .build();
    let origin = origin_of(&base)?;
    let exclude = exclude_set(&args.exclude)?;
    let mut repos = Vec::new();
    let mut left_out = 0usize;
    let mut next = Some(first);
    let mut pages = 0;
    while let Some(url) = next.take() {
        pages += 1;
        if pages > MAX_PAGES {
            return Err(format!("more than {MAX_PAGES} pages: stopping"));
        }
        // the token goes to the API's host only, whatever a Link header says
        if origin_of(&url)? != origin {
            return Err(format!(
                "a next page at another host ({}): not followed",
                origin_of(&url)?
            ));
        }
        let (items, link) = page(&agent, &host, &url, token.as_deref(), args.quiet)?;
        for item in &items {
            let repo = match host {
                Host::GitHub => github_repo(item),
                Host::GitLab => gitlab_repo(item),
            }
            .ok_or_else(|| format!("{url}: an entry without a name or clone URL"))?;
            let keep = (args.include_forks || !repo.fork)
                && (args.include_archived || !repo.archived)
                && !exclude.is_match(&repo.id);
            if keep {
                repos.push(repo);
            } else {
                left_out += 1;
            }
        }
        next = link;
    }
    if !args.quiet {
        eprintln!(
            "sfleaks fleet: listed {} repositor{} ({left_out} left out: forks, archived or excluded)",
            repos.len(),
            if repos.len() == 1 { "y" } else { "ies" }
        );
    }
    let mut out: Box<dyn std::io::Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).map_err(|e| format!("cannot write {}: {e}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    repos::write(&mut repos, &mut out)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the list: {e}"))
}

fn env_token(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The host, the API base and the first page.
fn start(args: &FleetListArgs) -> Result<(Host, String, String), String> {
    let api = |default: &str| {
        args.api_url
            .as_deref()
            .unwrap_or(default)
            .trim_end_matches('/')
            .to_string()
    };
    if let Some(org) = &args.github_org {
        let base = api("https://api.github.com");
        let url = format!("{base}/orgs/{}/repos?type=all&per_page=100", encode(org));
        return Ok((Host::GitHub, base, url));
    }
    if let Some(user) = &args.github_user {
        let base = api("https://api.github.com");
        let url = format!(
            "{base}/users/{}/repos?type=owner&per_page=100",
            encode(user)
        );
        return Ok((Host::GitHub, base, url));
    }
    if let Some(group) = &args.gitlab_group {
        let base = api("https://gitlab.com/api/v4");
        let url = format!(
            "{base}/groups/{}/projects?per_page=100&order_by=id&sort=asc&statistics=true&include_subgroups={}",
            encode(group),
            args.include_subgroups
        );
        return Ok((Host::GitLab, base, url));
    }
    Err("fleet list: give --github-org, --github-user or --gitlab-group".into())
}

/// Percent-encodes a path segment (a GitLab group path's slashes included).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Result<String, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("'{url}' is not a URL"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') {
        return Err(format!("'{url}' is not an API URL"));
    }
    Ok(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    ))
}

fn exclude_set(globs: &[String]) -> Result<globset::GlobSet, String> {
    let mut b = globset::GlobSetBuilder::new();
    for g in globs {
        b.add(globset::Glob::new(g).map_err(|e| format!("--exclude {g}: {e}"))?);
    }
    b.build().map_err(|e| format!("--exclude: {e}"))
}

/// One page: its items and the next page's URL.
fn page(
    agent: &ureq::Agent,
    host: &Host,
    url: &str,
    token: Option<&str>,
    quiet: bool,
) -> Result<(Vec<Value>, Option<String>), String> {
    for attempt in 1..=ATTEMPTS {
        let mut req = agent.get(url);
        req = match (host, token) {
            (Host::GitHub, Some(t)) => req.set("Authorization", &format!("Bearer {t}")),
            (Host::GitLab, Some(t)) => req.set("PRIVATE-TOKEN", t),
            (_, None) => req,
        };
        if let Host::GitHub = host {
            req = req
                .set("Accept", "application/vnd.github+json")
                .set("X-GitHub-Api-Version", "2022-11-28");
        }
        let wait = match req.call() {
            Ok(resp) => {
                let link = resp.header("Link").and_then(next_link);
                let body: Value = serde_json::from_reader(resp.into_reader())
                    .map_err(|e| format!("{url}: not JSON: {e}"))?;
                let items = match body {
                    Value::Array(items) => items,
                    _ => return Err(format!("{url}: expected a list of repositories")),
                };
                return Ok((items, link));
            }
            Err(ureq::Error::Status(code, resp)) => match limited(code, &resp) {
                Some(wait) => wait,
                None if code >= 500 => Duration::from_secs(1 << attempt.min(5)),
                None => {
                    let msg = serde_json::from_reader::<_, Value>(resp.into_reader())
                        .ok()
                        .and_then(|v| v.get("message").and_then(Value::as_str).map(String::from))
                        .unwrap_or_default();
                    return Err(format!("{url}: HTTP {code} {msg}").trim_end().to_string());
                }
            },
            Err(e) => {
                if attempt == ATTEMPTS {
                    return Err(format!("{url}: {e}"));
                }
                Duration::from_secs(1 << attempt.min(5))
            }
        };
        if wait > MAX_WAIT {
            return Err(format!(
                "{url}: rate limited for {} s more (over the {} s this waits)",
                wait.as_secs(),
                MAX_WAIT.as_secs()
            ));
        }
        if attempt == ATTEMPTS {
            break;
        }
        if !quiet {
            eprintln!(
                "sfleaks fleet: {url}: waiting {} s (rate limit or server error, attempt {attempt} of {ATTEMPTS})",
                wait.as_secs()
            );
        }
        std::thread::sleep(wait);
    }
    Err(format!("{url}: gave up after {ATTEMPTS} attempts"))
}

/// How long a rate-limited answer says to wait, if it is one.
fn limited(code: u16, resp: &ureq::Response) -> Option<Duration> {
    let remaining = resp
        .header("X-RateLimit-Remaining")
        .or(resp.header("RateLimit-Remaining"));
    let is_limit = code == 429
        || (code == 403 && (remaining == Some("0") || resp.header("Retry-After").is_some()));
    if !is_limit {
        return None;
    }
    if let Some(s) = resp
        .header("Retry-After")
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return Some(Duration::from_secs(s));
    }
    let reset = resp
        .header("X-RateLimit-Reset")
        .or(resp.header("RateLimit-Reset"));
    if let Some(at) = reset.and_then(|v| v.trim().parse::<u64>().ok()) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        return Some(Duration::from_secs(at.saturating_sub(now) + 1));
    }
    Some(Duration::from_secs(60))
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
        is_next.then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

fn text(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(String::from)
}

fn github_repo(v: &Value) -> Option<Repo> {
    Some(Repo {
        id: text(v, "full_name")?,
        clone_url: text(v, "clone_url")?,
        default_branch: text(v, "default_branch"),
        fork: v.get("fork").and_then(Value::as_bool).unwrap_or(false),
        archived: v.get("archived").and_then(Value::as_bool).unwrap_or(false),
        size_kb: v.get("size").and_then(Value::as_u64).unwrap_or(0),
        pushed_at: text(v, "pushed_at"),
    })
}

fn gitlab_repo(v: &Value) -> Option<Repo> {
    let bytes = v
        .get("statistics")
        .and_then(|s| s.get("repository_size"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    Some(Repo {
        id: text(v, "path_with_namespace")?,
        clone_url: text(v, "http_url_to_repo")?,
        default_branch: text(v, "default_branch"),
        fork: v.get("forked_from_project").is_some_and(|f| !f.is_null()),
        archived: v.get("archived").and_then(Value::as_bool).unwrap_or(false),
        size_kb: bytes.div_ceil(1024),
        pushed_at: text(v, "last_activity_at"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_give_the_next_page() {
        let h = r#"<https://api.example/orgs/a/repos?page=2>; rel="next", <https://api.example/orgs/a/repos?page=5>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.example/orgs/a/repos?page=2")
        );
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
        assert_eq!(encode("acme/platform"), "acme%2Fplatform");
        assert_eq!(
            origin_of("HTTP://127.0.0.1:99/x?y").as_deref(),
            Ok("http://127.0.0.1:99")
        );
    }
}
