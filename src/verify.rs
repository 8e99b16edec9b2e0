//! Live verification (`--verify`): asks Salesforce whether a found consumer key and secret (and,
//! with `--verify-tokens`, a refresh or access token) still work.
//!
//! Safe by construction: a credential is only ever sent over HTTPS to a host name under a
//! Salesforce-owned domain found next to it, never to an IP address or any other host, and
//! redirects are not followed; a token Salesforce returns is used once to revoke the session
//! and then dropped, never printed or kept. `SFLEAKS_VERIFY_ENDPOINT` sends every request to
//! one base URL instead (tests, private mirrors); plain http is allowed only for loopback.

use crate::finding::{Finding, Verification, VerifyStatus};
use base64::Engine;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Environment variable that replaces every verification host.
pub const ENDPOINT_ENV: &str = "SFLEAKS_VERIFY_ENDPOINT";

/// Domains Salesforce owns; credentials go to hosts under these only.
const SALESFORCE_DOMAINS: &[&str] = &[
    "salesforce.com",
    "force.com",
    "site.com",
    "salesforce-sites.com",
    "cloudforce.com",
];

const TIMEOUT: Duration = Duration::from_secs(10);

/// How to verify.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Also verify refresh and access tokens.
    pub tokens: bool,
    /// Requests per second at most.
    pub rps: f64,
    /// Base URL replacing every host (validated by [`check_override`]).
    pub endpoint: Option<String>,
}

/// Validates an endpoint override: https anywhere, http only on loopback.
pub fn check_override(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("{ENDPOINT_ENV}: '{url}' is not a URL"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host_only = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    match scheme {
        "https" => Ok(url.to_string()),
        "http"
            if matches!(host_only, "127.0.0.1" | "localhost" | "::1")
                || host_only.starts_with("127.") =>
        {
            Ok(url.to_string())
        }
        "http" => Err(format!(
            "{ENDPOINT_ENV}: plain http is allowed only for loopback, not '{host_only}'"
        )),
        other => Err(format!("{ENDPOINT_ENV}: unsupported scheme '{other}'")),
    }
}

/// True for a DNS name under a Salesforce-owned domain (not an IP, not a look-alike such as
/// `salesforce.com.evil.example` or `evilsalesforce.com`).
pub fn is_salesforce_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    let valid = !h.is_empty()
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && !h.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    valid
        && SALESFORCE_DOMAINS.iter().any(|d| {
            h.len() > d.len() && h.ends_with(d) && h.as_bytes()[h.len() - d.len() - 1] == b'.'
        })
}

/// A My Domain host: the only kind the client credentials flow answers on.
fn is_my_domain(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    is_salesforce_host(&h) && (h.ends_with(".my.salesforce.com") || h.ends_with(".my.site.com"))
}

/// The host of a URL-ish text (`https://host:443/path`, or a bare host).
fn host_of(text: &str) -> String {
    let rest = text.split_once("://").map_or(text, |(_, r)| r);
    let rest = rest.replace("\\/", "/");
    let authority = rest.split('/').next().unwrap_or("");
    authority
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// What one request is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Request {
    /// client credentials flow with this key and secret.
    ClientCredentials { key: String, secret: String },
    /// refresh token grant.
    Refresh {
        client_id: String,
        client_secret: String,
        token: String,
    },
    /// userinfo with an access token.
    UserInfo { token: String },
}

/// Runs verifications, each distinct request once, at most `rps` per second.
pub struct Verifier {
    agent: ureq::Agent,
    opts: VerifyOptions,
    last: Option<Instant>,
    done: HashMap<(String, Request), Verification>,
}

impl Verifier {
    /// A verifier with a short timeout and no redirects.
    pub fn new(opts: VerifyOptions) -> Verifier {
        let agent = ureq::AgentBuilder::new()
            .timeout(TIMEOUT)
            .redirects(0)
            .user_agent(concat!("sfleaks/", env!("CARGO_PKG_VERSION")))
            .build();
        Verifier {
            agent,
            opts,
            last: None,
            done: HashMap::new(),
        }
    }

    /// Verifies every finding that can be verified, setting `verification`.
    pub fn verify_all(&mut self, findings: &mut [Finding]) {
        for f in findings.iter_mut() {
            if let Some(v) = self.verify(f) {
                f.verification = Some(v);
            }
        }
    }

    fn verify(&mut self, f: &Finding) -> Option<Verification> {
        let evidence = |kind: &str| {
            f.evidence
                .iter()
                .find(|e| e.kind == kind)
                .map(|e| e.text.clone())
        };
        // the token call's full URL says where the file sends credentials: it wins over a
        // My Domain name seen elsewhere (which may be the prefix of a look-alike host)
        let endpoint_host = evidence("token-endpoint")
            .map(|u| host_of(&u))
            .filter(|h| !h.is_empty() && !h.contains(['{', '$']));
        let my_domain = match &endpoint_host {
            Some(h) => Some(h.clone()),
            None => evidence("my-domain").map(|h| host_of(&h)),
        };
        let (request, host) = match f.rule.as_str() {
            "salesforce-consumer-secret" | "salesforce-metadata-secret" => {
                let (key, secret) = match evidence("decoded-consumer-key") {
                    Some(_) => decode_basic(&f.secret)?,
                    None => (evidence("consumer-key")?, f.secret.clone()),
                };
                let req = Request::ClientCredentials { key, secret };
                (req, my_domain)
            }
            "salesforce-sfdx-auth-url" if self.opts.tokens => {
                let (client_id, client_secret, token, host) = parse_auth_url(&f.secret)?;
                let req = Request::Refresh {
                    client_id,
                    client_secret,
                    token,
                };
                (req, Some(host))
            }
            "salesforce-refresh-token" if self.opts.tokens => {
                let client_id = evidence("consumer-key")?;
                let req = Request::Refresh {
                    client_id,
                    client_secret: String::new(),
                    token: f.secret.clone(),
                };
                (req, my_domain)
            }
            "salesforce-access-token" if self.opts.tokens => {
                let req = Request::UserInfo {
                    token: f.secret.clone(),
                };
                (req, my_domain)
            }
            _ => return None,
        };
        let base = match (&self.opts.endpoint, &host) {
            (Some(base), _) => base.clone(),
            (None, None) => {
                return Some(unknown(
                    "no My Domain host found near it: the client credentials flow answers only on My Domain hosts (NAME.my.salesforce.com), so nothing was sent",
                ))
            }
            (None, Some(h)) if !is_salesforce_host(h) => {
                return Some(unknown(&format!(
                    "{h} is not a Salesforce-owned host; credentials are never sent there"
                )))
            }
            (None, Some(h))
                if matches!(request, Request::ClientCredentials { .. }) && !is_my_domain(h) =>
            {
                return Some(unknown(&format!(
                    "{h} is not a My Domain host: the client credentials flow answers only on My Domain hosts, so nothing was sent"
                )))
            }
            (None, Some(h)) => format!("https://{h}"),
        };
        let key = (base.clone(), request.clone());
        if let Some(v) = self.done.get(&key) {
            return Some(v.clone());
        }
        let v = self.send(&base, &request);
        self.done.insert(key, v.clone());
        Some(v)
    }

    /// Waits out the rate limit.
    fn pace(&mut self) {
        let interval = Duration::from_secs_f64(1.0 / self.opts.rps.max(0.01));
        if let Some(last) = self.last {
            let since = last.elapsed();
            if since < interval {
                std::thread::sleep(interval - since);
            }
        }
        self.last = Some(Instant::now());
    }

    fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Result<(u16, String), String> {
        self.pace();
        answer(self.agent.post(url).send_form(form))
    }

    fn send(&mut self, base: &str, request: &Request) -> Verification {
        let token_url = format!("{base}/services/oauth2/token");
        let result = match request {
            Request::ClientCredentials { key, secret } => self.post(
                &token_url,
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", key),
                    ("client_secret", secret),
                ],
            ),
            Request::Refresh {
                client_id,
                client_secret,
                token,
            } => {
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("client_id", client_id.as_str()),
                    ("refresh_token", token.as_str()),
                ];
                if !client_secret.is_empty() {
                    form.push(("client_secret", client_secret.as_str()));
                }
                self.post(&token_url, &form)
            }
            Request::UserInfo { token } => {
                self.pace();
                answer(
                    self.agent
                        .get(&format!("{base}/services/oauth2/userinfo"))
                        .set("Authorization", &format!("Bearer {token}"))
                        .call(),
                )
            }
        };
        let (status, body) = match result {
            Ok(r) => r,
            Err(e) => return unknown(&e),
        };
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let error = json["error"].as_str().unwrap_or("");
        let description = json["error_description"].as_str().unwrap_or(error);
        match (request, status) {
            (Request::UserInfo { .. }, 200) => live("the access token is a live session"),
            (Request::UserInfo { .. }, 401 | 403) => verdict(
                VerifyStatus::Invalid,
                "the access token is expired or revoked",
            ),
            (_, 200) => match json["access_token"].as_str() {
                Some(token) => {
                    // the token is used once, to end the session we just opened, then dropped
                    let revoked = self
                        .post(&format!("{base}/services/oauth2/revoke"), &[("token", token)])
                        .is_ok_and(|(s, _)| s == 200);
                    let what = match request {
                        Request::ClientCredentials { .. } => {
                            "LIVE: the client credentials flow issued an access token for the app's run-as user"
                        }
                        _ => "LIVE: the refresh token issued a new access token",
                    };
                    live(&format!(
                        "{what}; {}",
                        if revoked {
                            "that session was revoked right away"
                        } else {
                            "revoking that session failed, revoke it in Setup"
                        }
                    ))
                }
                None => unknown("HTTP 200 without an access token"),
            },
            (Request::ClientCredentials { .. }, 400) if error == "invalid_grant" => verdict(
                VerifyStatus::FlowDisabled,
                &format!("the key and secret are valid but the flow is off ({description}); still rotate the secret"),
            ),
            (Request::Refresh { .. }, 400) if error == "invalid_grant" => verdict(
                VerifyStatus::Invalid,
                &format!("the refresh token is expired or revoked ({description})"),
            ),
            (_, 400 | 401) if error.starts_with("invalid_client") => verdict(
                VerifyStatus::Invalid,
                &format!("rotated or wrong ({description})"),
            ),
            (_, code) if (300..400).contains(&code) => {
                unknown(&format!("HTTP {code}: redirects are not followed"))
            }
            (_, code) => unknown(&format!(
                "unexpected answer: HTTP {code}{}",
                if error.is_empty() {
                    String::new()
                } else {
                    format!(" {error}")
                }
            )),
        }
    }
}

/// Status and body of a response, whatever its status; a transport error as text.
fn answer(r: Result<ureq::Response, ureq::Error>) -> Result<(u16, String), String> {
    let resp = match r {
        Ok(resp) => resp,
        Err(ureq::Error::Status(_, resp)) => resp,
        Err(ureq::Error::Transport(t)) => return Err(format!("network error: {}", t.kind())),
    };
    let status = resp.status();
    // bodies are small JSON; cap what is read from a misbehaving server
    let mut body = String::new();
    use std::io::Read;
    let _ = resp.into_reader().take(64 * 1024).read_to_string(&mut body);
    Ok((status, body))
}

fn verdict(status: VerifyStatus, detail: &str) -> Verification {
    Verification {
        status,
        detail: detail.to_string(),
    }
}

fn live(detail: &str) -> Verification {
    verdict(VerifyStatus::Live, detail)
}

fn unknown(detail: &str) -> Verification {
    verdict(VerifyStatus::Unknown, detail)
}

/// `base64(key:secret)` -> (key, secret).
fn decode_basic(value: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (k, s) = text.split_once(':')?;
    Some((k.to_string(), s.to_string()))
}

/// `force://clientId:clientSecret:refreshToken@host` -> its parts.
fn parse_auth_url(url: &str) -> Option<(String, String, String, String)> {
    let rest = url.strip_prefix("force://")?;
    let (creds, host) = rest.rsplit_once('@')?;
    let mut parts = creds.splitn(3, ':');
    let (id, secret, token) = (parts.next()?, parts.next()?, parts.next()?);
    Some((
        id.into(),
        secret.into(),
        token.into(),
        host.to_ascii_lowercase(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_salesforce_owned_names_are_contacted() {
        for ok in [
            "acme.my.salesforce.com",
            "login.salesforce.com",
            "acme.lightning.force.com",
            "acme.my.site.com",
        ] {
            assert!(is_salesforce_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "salesforce.com.evil.example",
            "evilsalesforce.com",
            "127.0.0.1",
            "salesforce.com",
            "acme.my.salesforce.com:8443",
            "",
        ] {
            assert!(!is_salesforce_host(bad), "{bad}");
        }
        assert!(is_my_domain("acme--uat.sandbox.my.salesforce.com"));
        assert!(!is_my_domain("login.salesforce.com"));
    }

    #[test]
    fn endpoint_override_allows_http_only_on_loopback() {
        assert!(check_override("http://127.0.0.1:8080/").is_ok());
        assert!(check_override("http://localhost:1").is_ok());
        assert!(check_override("https://mirror.acme.example").is_ok());
        assert!(check_override("http://10.0.0.5:80").is_err());
        assert!(check_override("http://evil.example").is_err());
        assert!(check_override("ftp://127.0.0.1").is_err());
    }

    #[test]
    fn hosts_and_auth_urls_parse() {
        assert_eq!(
            host_of("https://Acme.my.salesforce.com:443/services/oauth2/token"),
            "acme.my.salesforce.com"
        );
        assert_eq!(
            parse_auth_url("force://PlatformCLI::5Aep861abc@acme.my.salesforce.com"),
            Some((
                "PlatformCLI".into(),
                String::new(),
                "5Aep861abc".into(),
                "acme.my.salesforce.com".into()
            ))
        );
    }
}
