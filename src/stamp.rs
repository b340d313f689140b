//! The decision stamp: which policy, which case and which kaohe produced a result.

use crate::check::ir::Program;
use crate::diagnostic::{SourceId, SourceMap};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub policy: String,
    pub version: String,
    /// SHA-256 over every policy file (name and text, in load order).
    pub policy_sha256: String,
    pub case_sha256: String,
    pub kaohe: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Stamp {
    pub fn new(
        prog: &Program,
        sources: &SourceMap,
        policy_files: &[SourceId],
        case: Option<SourceId>,
    ) -> Stamp {
        let mut h = Sha256::new();
        for id in policy_files {
            // Names as shown (relative paths), so the stamp is the same on any machine.
            h.update(sources.name(*id).as_bytes());
            h.update([0]);
            h.update(sources.text(*id).as_bytes());
            h.update([0]);
        }
        let policy_sha256 = hex(&h.finalize());
        let case_sha256 = case
            .map(|c| hex(&Sha256::digest(sources.text(c).as_bytes())))
            .unwrap_or_default();
        Stamp {
            policy: prog.info.name.clone(),
            version: prog.info.version.clone().unwrap_or_default(),
            policy_sha256,
            case_sha256,
            kaohe: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"policy\":");
        crate::eval::results::push_json_string(&mut out, &self.policy);
        out.push_str(",\"version\":");
        crate::eval::results::push_json_string(&mut out, &self.version);
        out.push_str(&format!(
            ",\"policy_sha256\":\"{}\",\"case_sha256\":\"{}\",\"kaohe\":\"{}\"}}",
            self.policy_sha256, self.case_sha256, self.kaohe
        ));
        out
    }

    /// The table footer.
    pub fn footer(&self) -> String {
        format!(
            "— {} {} · policy sha256 {} · case sha256 {} · kaohe {}\n",
            self.policy,
            self.version,
            short(&self.policy_sha256),
            short(&self.case_sha256),
            self.kaohe
        )
    }
}

fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}
