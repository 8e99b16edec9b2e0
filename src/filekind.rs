//! Decides how far "near" reaches: in config files the whole file is one context (a
//! `.properties` file names the endpoint at the top and the secret at the bottom); in code a
//! window of lines around the secret is.

/// How a file's context is scoped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Config and data files: the whole file is near.
    Config,
    /// Source code, scripts, docs: a window of lines is near.
    Code,
}

const CONFIG_EXTENSIONS: &[&str] = &[
    "properties",
    "env",
    "yaml",
    "yml",
    "json",
    "jsonc",
    "json5",
    "xml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "config",
    "tfvars",
    "plist",
    "ipynb",
    "props",
    "settings",
    "connectedapp",
    "namedcredential",
    "authprovider",
];

impl FileKind {
    /// Classifies a path by its file name.
    pub fn of(path: &str) -> FileKind {
        let name = path
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(path)
            .to_ascii_lowercase();
        if name.starts_with(".env") || name.ends_with(".env") || name == "credentials" {
            return FileKind::Config;
        }
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        // SFDX metadata files end in -meta.xml
        if CONFIG_EXTENSIONS.contains(&ext) || name.ends_with("-meta.xml") {
            FileKind::Config
        } else {
            FileKind::Code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_common_files() {
        assert_eq!(FileKind::of("a/.env"), FileKind::Config);
        assert_eq!(FileKind::of(".env.production"), FileKind::Config);
        assert_eq!(FileKind::of("src/application.properties"), FileKind::Config);
        assert_eq!(FileKind::of("x.postman_collection.json"), FileKind::Config);
        assert_eq!(FileKind::of("nb.ipynb"), FileKind::Config);
        assert_eq!(FileKind::of("main.py"), FileKind::Code);
        assert_eq!(FileKind::of("Makefile"), FileKind::Code);
    }
}
