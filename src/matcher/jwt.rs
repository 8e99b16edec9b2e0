//! JWT-format access tokens: Salesforce issues access tokens as JSON Web Tokens too. A token
//! is Salesforce's when its header carries Salesforce's token type (`tty: sfdc-core-token`)
//! or its issuer is a Salesforce host; its expiry decides how urgent a committed one is.

use base64::Engine;
use serde_json::Value;

/// What a Salesforce-issued token's claims say.
#[derive(Debug, Clone)]
pub(super) struct Jwt {
    /// The issuer (`iss`), or the header's token type when there is none.
    pub(super) issuer: String,
    /// Expiry (`exp`), Unix seconds.
    pub(super) expires: Option<i64>,
}

/// Hosts Salesforce issues tokens from (My Domain, login, test, Experience Cloud sites).
const HOSTS: &[&str] = &[
    "salesforce.com",
    "force.com",
    "salesforce-sites.com",
    "cloudforce.com",
    "database.com",
];

/// The claims of `token` when it is a well-formed JWT that Salesforce issued; `None` for
/// anything else (another provider's token, a truncated or undecodable one).
pub(super) fn salesforce_claims(token: &str) -> Option<Jwt> {
    let mut parts = token.split('.');
    let header = part(parts.next()?)?;
    let payload = part(parts.next()?)?;
    parts.next().filter(|s| !s.is_empty())?;
    // Salesforce signs its tokens with RS256 only; HS256 and `none` are hand-made fixtures
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return None;
    }
    let core = header.get("tty").and_then(Value::as_str) == Some("sfdc-core-token");
    let issuer = payload.get("iss").and_then(Value::as_str);
    let by_host = issuer.is_some_and(salesforce_host);
    if !core && !by_host {
        return None;
    }
    Some(Jwt {
        issuer: issuer.unwrap_or("sfdc-core-token").to_string(),
        expires: payload.get("exp").and_then(Value::as_i64),
    })
}

/// One base64url part decoded as a JSON object.
fn part(text: &str) -> Option<serde_json::Map<String, Value>> {
    let text = text.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// `https://acme.my.salesforce.com` or `login.salesforce.com`: a Salesforce host.
fn salesforce_host(iss: &str) -> bool {
    let rest = iss
        .strip_prefix("https://")
        .or_else(|| iss.strip_prefix("http://"))
        .unwrap_or(iss);
    let host = rest
        .split(['/', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(header: &str, payload: &str) -> String {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.c2lnbmF0dXJlLXNpZ25hdHVyZQ", e(header), e(payload))
    }

    #[test]
    fn a_token_from_a_salesforce_host_or_of_salesforce_type_is_salesforce_s() {
        let t = token(
            r#"{"alg":"RS256","typ":"JWT"}"#,
            r#"{"iss":"https://acme.my.salesforce.com","exp":1700000000}"#,
        );
        let j = salesforce_claims(&t).expect("salesforce");
        assert_eq!(j.expires, Some(1_700_000_000));
        let t = token(
            r#"{"alg":"RS256","tty":"sfdc-core-token"}"#,
            r#"{"sub":"x"}"#,
        );
        assert!(salesforce_claims(&t).is_some());
    }

    #[test]
    fn another_issuer_or_a_broken_token_is_not() {
        let t = token(
            r#"{"alg":"RS256"}"#,
            r#"{"iss":"https://accounts.google.com"}"#,
        );
        assert!(salesforce_claims(&t).is_none());
        let t = token(
            r#"{"alg":"RS256"}"#,
            r#"{"iss":"https://salesforce.com.evil.io"}"#,
        );
        assert!(salesforce_claims(&t).is_none());
        // Salesforce signs with RS256 only: an HS256 token of its type is a hand-made fixture
        let t = token(
            r#"{"alg":"HS256","tty":"sfdc-core-token"}"#,
            r#"{"iss":"x.my.salesforce.com"}"#,
        );
        assert!(salesforce_claims(&t).is_none());
        assert!(salesforce_claims("eyJhbGciOi.eyJpc3Mi.sig").is_none());
    }
}
