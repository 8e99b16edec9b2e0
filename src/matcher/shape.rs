//! What a value looks like, apart from where it stands: an identifier or a list of words
//! (`redirectUri`, `SALESFORCE_REDIRECT_URI`, `sfdc.oauth.`), the first word of a sentence,
//! another provider's name. Pure functions over the value's text; placeholders and fixtures
//! are `placeholder`'s.

/// Splits an identifier-like value into its words (at `_ . - $`, lower-to-upper case changes
/// and the end of an upper-case run: `apiOnlyUserHomePageURL` -> api Only User Home Page URL).
fn words(value: &str) -> Vec<&str> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..b.len() {
        let c = b[i];
        if matches!(c, b'_' | b'.' | b'-' | b'$') {
            if i > start {
                out.push(&value[start..i]);
            }
            start = i + 1;
            continue;
        }
        if i > start {
            let p = b[i - 1];
            let lower_to_upper =
                (p.is_ascii_lowercase() || p.is_ascii_digit()) && c.is_ascii_uppercase();
            let run_end = p.is_ascii_uppercase()
                && c.is_ascii_uppercase()
                && b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            if lower_to_upper || run_end {
                out.push(&value[start..i]);
                start = i;
            }
        }
    }
    if start < b.len() {
        out.push(&value[start..]);
    }
    out
}

/// A word a person would write: it has a vowel and no run of five consonants (`strength`
/// passes, `dkjfhgs` does not), or it is a short acronym (`URL`, `API`, `ID`).
fn wordlike(word: &str) -> bool {
    let letters = word.trim_end_matches(|c: char| c.is_ascii_digit());
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    if letters.len() <= 5 && letters.chars().all(|c| c.is_ascii_uppercase()) {
        return true;
    }
    if letters.len() < 2 {
        return false;
    }
    // mixed case inside a word (`aBcD`) is noise, not a word
    if letters[1..].chars().any(|c| c.is_ascii_uppercase())
        && !letters.chars().all(|c| c.is_ascii_uppercase())
    {
        return false;
    }
    // short lower-case abbreviations (`sfdc`, `jwt`, `xml`) are words in names
    if letters.len() <= 4 && letters.chars().all(|c| c.is_ascii_lowercase()) {
        return true;
    }
    let lower = letters.to_ascii_lowercase();
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    if !lower.chars().any(vowel) {
        return false;
    }
    let mut run = 0;
    for c in lower.chars() {
        run = if vowel(c) { 0 } else { run + 1 };
        if run >= 5 {
            return false;
        }
    }
    true
}

/// True when `value` is an identifier, a property or variable name made of words
/// (`redirectUri`, `error_description`, `sfdc.oauth.`, `loginByOAuth2`, `username`); false for
/// anything a generator or a person choosing a password would produce.
pub fn is_name(value: &str) -> bool {
    let v = value.trim_start_matches(['_', '$', '.']);
    let v = v.trim_end_matches(['.', '_', '-', ':']);
    if v.len() < 3
        || !v
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"_.-$".contains(&c))
    {
        return false;
    }
    if !v.as_bytes()[0].is_ascii_alphabetic() {
        return false;
    }
    // digits only at the end of words, and few: `loginByOAuth2`, not `Xk29dkq0vB71`
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    if digits > 2 {
        return false;
    }
    let ws = words(v);
    !ws.is_empty() && ws.iter().all(|w| wordlike(w))
}

/// An environment-variable or constant name: upper-case words joined by `_`
/// (`SALESFORCE_REDIRECT_URI`).
pub fn is_constant_name(value: &str) -> bool {
    let parts: Vec<&str> = value.split('_').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && p.as_bytes()[0].is_ascii_uppercase()
        })
}

/// True when the value, all letters, is followed on its line by more words: the first word of
/// a sentence (`Specify encrypted password+security token pair`), not a secret.
pub fn starts_prose(value: &str, after: &[u8]) -> bool {
    if !value.bytes().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let rest = after.strip_prefix(b"\"").unwrap_or(after);
    let gap = rest
        .iter()
        .take_while(|c| **c == b' ' || **c == b'\t')
        .count();
    if gap == 0 {
        return false;
    }
    let word = rest[gap..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    // `+` or `&` after one space is an expression or a command, not prose
    word >= 2
}

/// Services whose secrets are named after them; a key or section naming one of these holds
/// that service's secret, not Salesforce's.
const PROVIDERS: &[&str] = &[
    "azure",
    "okta",
    "auth0",
    "epicor",
    "workday",
    "sharepoint",
    "adls",
    "datalake",
    "dwh",
    "warehouse",
    "snowflake",
    "redshift",
    "bigquery",
    "google",
    "gcp",
    "aws",
    "cognito",
    "github",
    "gitlab",
    "bitbucket",
    "slack",
    "stripe",
    "twitter",
    "facebook",
    "linkedin",
    "hubspot",
    "zendesk",
    "jira",
    "atlassian",
    "servicenow",
    "marketo",
    "mailchimp",
    "sendgrid",
    "twilio",
    "paypal",
    "shopify",
    "dropbox",
    "box",
    "docusign",
    "netsuite",
    "sap",
    "oracle",
    "mysql",
    "postgres",
    "postgresql",
    "mongo",
    "mongodb",
    "redis",
    "smtp",
    "ldap",
    "jdbc",
    "database",
    "keycloak",
    "onelogin",
    "pingidentity",
    "zoom",
    "microsoft",
    "msal",
    "entra",
];

/// The provider a key or section header names, if it names one that is not Salesforce
/// (`AZURE_CLIENT_SECRET`, `okta`, `dwh_password`).
pub fn other_provider(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower.contains("salesforce") || lower.contains("sfdc") || lower.contains("force") {
        return None;
    }
    let ws = words(name);
    PROVIDERS.iter().copied().find(|p| {
        ws.iter().any(|w| w.eq_ignore_ascii_case(p)) || (p.len() >= 5 && lower.contains(p))
    })
}

/// The key repeats the value: a property-name constant (`SECURITY_TOKEN = "securityToken"`)
/// or a constant named after its value (`kSFOAuthClientSecretAnonymous = @"anonymous"`).
pub fn echoes_key(key: &str, value: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let (k, v) = (norm(key), norm(value));
    v.len() >= 4 && (k == v || k.ends_with(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_names() {
        for v in [
            "redirectUri",
            "error_description",
            "sfdc.oauth.",
            "loginByOAuth2",
            "_postParams",
            "customMetadataTypeRecord",
            "apiOnlyUserHomePageURL",
            "requiresSecurityToken",
            "SALESFORCE_REDIRECT_URI",
            "start_date",
            "jwt-bearer",
            "username",
            "anonymous",
            "Constant",
            "timestamp",
            ".concat",
            "getPrime",
        ] {
            assert!(is_name(v), "{v}");
        }
    }

    #[test]
    fn generated_and_chosen_secrets_are_not_names() {
        for v in [
            "EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248",
            "7513047454207447032",
            "WdRYAXwUr5c0Qe",
            "yBPkjDYC2p7ludSJHqzCHEmN",
            "mashmatrix7x2",
            "Xk29dkq0vB71",
            "eQuk#SQiXEg6sD",
            "aQphYxPqsNwxFXudKGgzz",
            "qXzPbKmWtRvL",
        ] {
            assert!(!is_name(v), "{v}");
        }
    }

    #[test]
    fn constants_prose_and_providers() {
        assert!(is_constant_name("SALESFORCE_REDIRECT_URI"));
        assert!(!is_constant_name("EB4E60EBF4C74EFD"));
        assert!(starts_prose(
            "Specify",
            b" encrypted password+security token pair."
        ));
        assert!(starts_prose("Constant", b" Field Values</a>"));
        assert!(!starts_prose("Xk29dkq0vB71", b" more words"));
        assert!(!starts_prose("hunter", b" && make"));
        assert_eq!(other_provider("AZURE_CLIENT_SECRET"), Some("azure"));
        assert_eq!(other_provider("dwh_password"), Some("dwh"));
        assert_eq!(other_provider("okta"), Some("okta"));
        assert_eq!(other_provider("SF_CLIENT_SECRET"), None);
        assert_eq!(other_provider("salesforce_google_sync_secret"), None);
        assert!(echoes_key("SECURITY_TOKEN", "securityToken"));
        assert!(echoes_key("kSFOAuthClientSecretAnonymous", "anonymous"));
        assert!(!echoes_key("client_secret", "EB4E60EBF4C74EFD"));
    }
}
