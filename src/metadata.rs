//! Reads Salesforce DX metadata (connected apps, External Client App policies) with a real XML
//! parser: whether the client credentials flow is enabled, for which run-as user, with which
//! scopes, and whether login IP ranges are bypassed.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// An element's text and where it stands in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The element's local name.
    pub name: String,
    /// Its text, unescaped and trimmed.
    pub text: String,
    /// Byte offset of the text.
    pub offset: usize,
    /// Byte length of the text as written.
    pub len: usize,
}

/// A connected app or External Client App with the client credentials flow on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posture {
    /// `isClientCredentialEnabled` / `isClientCredentialsFlowEnabled`, set to true.
    pub enabled: Element,
    /// `oauthClientCredentialUser` / `clientCredentialsFlowUser`.
    pub run_as: Option<Element>,
    /// OAuth scopes granted.
    pub scopes: Vec<Element>,
    /// `ipRelaxation` (or the External Client App equivalent) set to BYPASS.
    pub ip_bypass: Option<Element>,
}

/// Parses a metadata file; `Ok(None)` when the client credentials flow is not enabled.
/// A malformed file is an error describing where it broke.
pub fn client_credentials_posture(data: &[u8]) -> Result<Option<Posture>, String> {
    let mut reader = Reader::from_reader(data);
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut enabled = None;
    let mut run_as = None;
    let mut scopes = Vec::new();
    let mut ip_bypass = None;
    loop {
        let before = reader.buffer_position() as usize;
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                stack.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned())
            }
            Ok(Event::End(_)) => {
                stack.pop();
            }
            Ok(Event::Text(t)) => {
                let Some(name) = stack.last() else { continue };
                let raw: &[u8] = t.as_ref();
                let lead = raw.iter().take_while(|b| b.is_ascii_whitespace()).count();
                let text = t
                    .unescape()
                    .map_err(|e| format!("at byte {before}: {e}"))?
                    .trim()
                    .to_string();
                let el = Element {
                    name: name.clone(),
                    offset: before + lead,
                    len: raw.trim_ascii().len(),
                    text,
                };
                match name.as_str() {
                    "isClientCredentialEnabled" | "isClientCredentialsFlowEnabled"
                        if el.text.eq_ignore_ascii_case("true") =>
                    {
                        enabled = Some(el)
                    }
                    "oauthClientCredentialUser" | "clientCredentialsFlowUser" => run_as = Some(el),
                    "scopes" | "oauthScopes" => scopes.push(el),
                    "commaSeparatedOauthScopes" => {
                        for s in el.text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                            scopes.push(Element {
                                text: s.to_string(),
                                ..el.clone()
                            });
                        }
                    }
                    n if n.starts_with("ipRelaxation")
                        && el.text.to_ascii_uppercase().contains("BYPASS") =>
                    {
                        ip_bypass = Some(el)
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("at byte {}: {e}", reader.error_position())),
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err(format!(
            "unexpected end of file inside <{}>",
            stack.join("><")
        ));
    }
    Ok(enabled.map(|enabled| Posture {
        enabled,
        run_as,
        scopes,
        ip_bypass,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_enabled_connected_app() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <oauthConfig>
        <isClientCredentialEnabled>true</isClientCredentialEnabled>
        <oauthClientCredentialUser>integration@acme.example</oauthClientCredentialUser>
        <scopes>Api</scopes>
        <scopes>Full</scopes>
    </oauthConfig>
    <oauthPolicy><ipRelaxation>BYPASS</ipRelaxation></oauthPolicy>
</ConnectedApp>"#;
        let p = client_credentials_posture(xml)
            .expect("parses")
            .expect("enabled");
        assert_eq!(&xml[p.enabled.offset..p.enabled.offset + 4], b"true");
        assert_eq!(
            p.run_as.map(|e| e.text).as_deref(),
            Some("integration@acme.example")
        );
        let scopes: Vec<_> = p.scopes.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(scopes, vec!["Api", "Full"]);
        assert!(p.ip_bypass.is_some());
    }

    #[test]
    fn disabled_flow_and_malformed_files() {
        let off = b"<ConnectedApp><oauthConfig><isClientCredentialEnabled>false</isClientCredentialEnabled></oauthConfig></ConnectedApp>";
        assert_eq!(client_credentials_posture(off), Ok(None));
        assert!(client_credentials_posture(b"<ConnectedApp><oauthConfig>").is_err());
        assert!(client_credentials_posture(b"<a><b></a>").is_err());
    }
}
