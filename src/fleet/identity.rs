//! Keyed identities for fleet results. Result files are CI artefacts that many people can
//! read, and a plain hash of a 19-digit secret is brute-forced in minutes, so every id that
//! depends on a secret value is an HMAC under `SFLEAKS_FLEET_KEY`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The environment variable holding the key.
pub const KEY_ENV: &str = "SFLEAKS_FLEET_KEY";

/// Fewer bytes than this is not a key worth the name.
const MIN_KEY_LEN: usize = 16;

/// The fleet's HMAC key.
#[derive(Clone)]
pub struct FleetKey(Vec<u8>);

impl std::fmt::Debug for FleetKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FleetKey({})", self.key_id())
    }
}

impl FleetKey {
    /// Reads the key from `SFLEAKS_FLEET_KEY`.
    pub fn from_env() -> Result<FleetKey, String> {
        match std::env::var(KEY_ENV) {
            Ok(v) => FleetKey::new(v.trim().as_bytes()),
            Err(_) => Err(format!(
                "{KEY_ENV} is not set: fleet results identify secrets by an HMAC under this key (at least {MIN_KEY_LEN} characters, e.g. `openssl rand -hex 32`, kept as a CI secret)"
            )),
        }
    }

    /// A key from its bytes.
    pub fn new(bytes: &[u8]) -> Result<FleetKey, String> {
        if bytes.len() < MIN_KEY_LEN {
            return Err(format!(
                "{KEY_ENV} is too short ({} bytes; at least {MIN_KEY_LEN})",
                bytes.len()
            ));
        }
        Ok(FleetKey(bytes.to_vec()))
    }

    fn mac(&self, parts: &[&[u8]]) -> Vec<u8> {
        // new_from_slice accepts any key length for HMAC
        let mut m = match <Hmac<Sha256> as Mac>::new_from_slice(&self.0) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        for p in parts {
            m.update(&(p.len() as u64).to_be_bytes());
            m.update(p);
        }
        m.finalize().into_bytes().to_vec()
    }

    /// Names the key without giving it away: results made under different keys do not mix.
    pub fn key_id(&self) -> String {
        crate::finding::hex(&self.mac(&[b"sfleaks fleet key id"])[..8])
    }

    /// One secret's id, the same at every path and in every repository.
    pub fn secret_id(&self, rule: &str, secret: &str) -> String {
        crate::finding::hex(&self.mac(&[b"secret", rule.as_bytes(), secret.as_bytes()])[..16])
    }

    /// One location's fingerprint (rule, path, secret), what a baseline of a merge holds.
    pub fn fingerprint(&self, rule: &str, path: &str, secret: &str) -> String {
        let path = path.strip_prefix("./").unwrap_or(path);
        let parts: [&[u8]; 4] = [
            b"place",
            rule.as_bytes(),
            path.as_bytes(),
            secret.as_bytes(),
        ];
        crate::finding::hex(&self.mac(&parts)[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_depend_on_the_key_and_never_equal_a_plain_hash() {
        let a = FleetKey::new(b"0123456789abcdef-one").expect("key");
        let b = FleetKey::new(b"0123456789abcdef-two").expect("key");
        let id = a.secret_id("r", "s3cr3t");
        assert_eq!(id, a.secret_id("r", "s3cr3t"));
        assert_ne!(id, b.secret_id("r", "s3cr3t"));
        assert_ne!(id, a.secret_id("r", "other"));
        assert_ne!(id, crate::finding::secret_id("r", "s3cr3t"));
        assert_ne!(a.key_id(), b.key_id());
        assert_ne!(a.fingerprint("r", "p", "s"), a.fingerprint("r", "q", "s"));
        assert_eq!(a.fingerprint("r", "./p", "s"), a.fingerprint("r", "p", "s"));
        assert!(FleetKey::new(b"short").is_err());
    }
}
