//! Certificate path from the signer to a configured trust anchor, each link's signature checked and each
//! certificate valid at the (timestamped, else claimed) signing time.

use x509_cert::Certificate;

use super::ChainStatus;
use super::crypto;
use crate::sign::certcheck;

/// Path from `leaf` to an anchor through `pool`, each certificate valid at `at`.
pub(super) fn chain_status(
    leaf: &Certificate,
    pool: &[Certificate],
    anchors: &[Certificate],
    at: i64,
) -> (ChainStatus, String) {
    let valid_at = |c: &Certificate| {
        let v = &c.tbs_certificate.validity;
        (v.not_before.to_unix_duration().as_secs() as i64) <= at
            && at <= (v.not_after.to_unix_duration().as_secs() as i64)
    };
    let mut current = leaf.clone();
    let mut path = vec![certcheck::subject_cn(leaf)];
    for _ in 0..8 {
        if !valid_at(&current) {
            return (
                ChainStatus::Expired,
                format!(
                    "{} not valid at the signing time",
                    certcheck::subject_cn(&current)
                ),
            );
        }
        if anchors.iter().any(|a| a == &current) {
            return (ChainStatus::Trusted, path.join(" ← "));
        }
        if let Some(a) = anchors.iter().find(|a| crypto::issued_by(&current, a)) {
            path.push(certcheck::subject_cn(a));
            return (ChainStatus::Trusted, path.join(" ← "));
        }
        match pool
            .iter()
            .find(|c| *c != &current && crypto::issued_by(&current, c))
        {
            Some(next) => {
                path.push(certcheck::subject_cn(next));
                current = next.clone();
            }
            None => break,
        }
    }
    (
        ChainStatus::Untrusted,
        format!("no path to a trust anchor ({})", path.join(" ← ")),
    )
}
