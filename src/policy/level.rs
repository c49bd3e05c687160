//! Policy levels and versions, parsed exactly as PSA's `ParseLevel` and `ParseVersion` do.

use std::fmt;

/// The newest policy version this build knows (PSA's `maxVersion`): `latest` means this.
pub const NEWEST_MINOR: u32 = 37;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    pub fn parse(text: &str) -> Result<Level, String> {
        match text {
            "privileged" => Ok(Level::Privileged),
            "baseline" => Ok(Level::Baseline),
            "restricted" => Ok(Level::Restricted),
            _ => Err("must be one of privileged, baseline, restricted".to_string()),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `latest` or `v1.N`. Versions newer than [`NEWEST_MINOR`] are kept as written (messages print
/// them) and evaluated as the newest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    Latest,
    Minor(u32),
}

impl Version {
    pub fn parse(text: &str) -> Result<Version, String> {
        const ERROR: &str = "must be \"latest\" or \"v1.x\"";
        if text == "latest" {
            return Ok(Version::Latest);
        }
        let digits = text.strip_prefix("v1.").ok_or(ERROR)?;
        let well_formed = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        if !well_formed {
            return Err(ERROR.to_string());
        }
        // Go's Atoi fails on overflow, and the version then falls back to latest.
        digits
            .parse()
            .map(Version::Minor)
            .map_err(|_| ERROR.to_string())
    }

    /// The minor version whose rules apply.
    pub fn effective_minor(self) -> u32 {
        match self {
            Version::Latest => NEWEST_MINOR,
            Version::Minor(m) => m.min(NEWEST_MINOR),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Latest => f.write_str("latest"),
            Version::Minor(m) => write!(f, "v1.{m}"),
        }
    }
}

/// A level at a version, printed as PSA prints it: `restricted:v1.30`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LevelVersion {
    pub level: Level,
    pub version: Version,
}

impl LevelVersion {
    pub fn new(level: Level, version: Version) -> Self {
        LevelVersion { level, version }
    }
}

impl fmt::Display for LevelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level, self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_like_psa() {
        assert_eq!(Version::parse("latest"), Ok(Version::Latest));
        assert_eq!(Version::parse("v1.0"), Ok(Version::Minor(0)));
        assert_eq!(Version::parse("v1.30"), Ok(Version::Minor(30)));
        assert_eq!(Version::parse("v1.999"), Ok(Version::Minor(999)));
        for bad in [
            "v1.05",
            "1.25",
            "v2.0",
            "v0.9",
            "V1.25",
            "",
            "v1.",
            "v1.-1",
            "v1.99999999999999999999",
        ] {
            assert_eq!(
                Version::parse(bad),
                Err("must be \"latest\" or \"v1.x\"".to_string()),
                "{bad}"
            );
        }
        assert_eq!(Version::Minor(40).effective_minor(), NEWEST_MINOR);
        assert_eq!(Version::Minor(40).to_string(), "v1.40");
    }

    #[test]
    fn levels_are_case_sensitive() {
        assert_eq!(Level::parse("restricted"), Ok(Level::Restricted));
        assert!(Level::parse("Restricted").is_err());
        assert!(Level::Privileged < Level::Baseline && Level::Baseline < Level::Restricted);
    }
}
