//! `sohoa review` as scripts see it: the real binary on a throw-away data directory, pages generated from
//! real Vietnamese text (sohoa-testkit) and imported, the quality verdict from the real imaging code, role
//! checks when the command signs in with `--as`, and a batch sample drawn once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::Value;
use sohoa_testkit::cases::{CaseMix, case};

const PW: [(&str, &str); 2] = [("PW_TRUONG", "mat-khau-truong"), ("PW_HUONG", "mat-khau-huong")];

fn run(data: &Path, args: &[&str]) -> Output {
    let mut cmd = support::sohoa(data, args);
    for (k, v) in PW {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn ok(data: &Path, args: &[&str]) -> Value {
    support::json(args, |a| run(data, a))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Refused with `exit` and `[code]` on the one-line error.
fn refused(data: &Path, args: &[&str], exit: i32, code: &str) {
    let out = run(data, args);
    assert_eq!(out.status.code(), Some(exit), "{args:?}: {}", stderr(&out));
    assert!(stderr(&out).contains(&format!("[{code}]")), "{}", stderr(&out));
}

const AS_TRUONG: [&str; 4] = ["--as", "truong", "--as-password-env", "PW_TRUONG"];
const AS_HUONG: [&str; 4] = ["--as", "huong", "--as-password-env", "PW_HUONG"];

fn with<'a>(args: &[&'a str], who: &[&'a str]) -> Vec<&'a str> {
    args.iter().chain(who).copied().collect()
}

fn accounts(data: &Path) {
    for (login, role, var) in [
        ("admin", "administrator", "PW_TRUONG"),
        ("truong", "supervisor", "PW_TRUONG"),
        ("huong", "officer", "PW_HUONG"),
    ] {
        let args = [
            "user",
            "add",
            login,
            "--name",
            "Trần Văn Trường",
            "--role",
            role,
            "--password-env",
            var,
        ];
        let out = run(data, &args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

fn new_record(data: &Path) -> String {
    let args = support::new_residence_args("Số 5 phố Huế, Hà Nội");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(data, &args)["id"].as_str().unwrap().to_owned()
}

#[test]
fn a_supervisor_lists_rejects_and_approves_and_an_officer_cannot() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    accounts(&data);
    let id = new_record(&data);
    let mut files = Vec::new();
    for seed in [11, 12] {
        let c = case(seed, &CaseMix::after_cleanup()).unwrap();
        let path = tmp.path().join(format!("trang-{seed}.png"));
        c.image.save(&path).unwrap();
        files.push(path.to_str().unwrap().to_owned());
    }
    let mut import = vec!["import", "--record", &id];
    import.extend(files.iter().map(String::as_str));
    assert_eq!(ok(&data, &import)["version"], 1);

    let queue = ok(&data, &with(&["review", "list"], &AS_TRUONG));
    let items = queue.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["summary"]["id"], id.as_str());
    assert_eq!(items[0]["version"], 1);
    let pages = items[0]["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 2);
    for p in pages {
        let verdict = p["quality"]["verdict"].as_str().unwrap();
        assert!(["ok", "warn", "fail"].contains(&verdict), "{p}");
        assert!(p["quality"]["reasons"].is_array(), "{p}");
    }

    // An officer signed in cannot review, even from a script.
    for args in [
        vec!["review", "list"],
        vec!["review", "approve", &id],
        vec!["review", "reject", &id, "--reason", "mờ"],
        vec!["review", "sample", "--batch", "lo-1"],
    ] {
        refused(&data, &with(&args, &AS_HUONG), 3, "auth.forbidden");
    }
    refused(
        &data,
        &with(
            &["review", "reject", &id, "--reason", "mờ", "--page", "9"],
            &AS_TRUONG,
        ),
        3,
        "review.no_such_page",
    );
    refused(
        &data,
        &with(&["review", "reject", &id, "--reason", " "], &AS_TRUONG),
        3,
        "review.reason_required",
    );
    refused(
        &data,
        &with(&["review", "approve", &id, "--version", "2"], &AS_TRUONG),
        5,
        "review.not_current",
    );
    assert_eq!(ok(&data, &["review", "history", &id]), serde_json::json!([]));

    let rejected = ok(
        &data,
        &with(
            &[
                "review",
                "reject",
                &id,
                "--reason",
                "Trang 2 bị mờ",
                "--page",
                "2",
            ],
            &AS_TRUONG,
        ),
    );
    assert_eq!(rejected["verdict"], "rejected");
    assert_eq!(rejected["reviewer"], "truong");
    assert_eq!(rejected["pages"], serde_json::json!([2]));
    assert_eq!(ok(&data, &["review", "list"]), serde_json::json!([]));
    // The record was created by the CLI's system actor, so it is that account's to rescan.
    let returned = ok(&data, &["review", "returned"]);
    assert_eq!(returned[0]["summary"]["id"], id.as_str());
    assert_eq!(returned[0]["review"]["reason"], "Trang 2 bị mờ");
    assert_eq!(returned[0]["pages"][0]["number"], 2);
    assert_eq!(
        ok(&data, &with(&["review", "returned"], &AS_HUONG)),
        serde_json::json!([])
    );

    // The supervisor changes their mind: the latest review decides.
    let approved = ok(&data, &with(&["review", "approve", &id], &AS_TRUONG));
    assert_eq!(approved["verdict"], "approved");
    let history = ok(&data, &["review", "history", &id]);
    assert_eq!(history.as_array().unwrap().len(), 2);
    let human = run(&data, &["review", "history", &id]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("Trang 2 bị mờ"));
    assert_eq!(ok(&data, &["audit", "verify"])["ok"], true);
}

#[test]
fn a_batch_sample_is_drawn_once() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    accounts(&data);
    let ids: Vec<String> = (0..4).map(|_| new_record(&data)).collect();
    {
        let store = sohoa_store::Store::open(&data).unwrap();
        let actor = sohoa_store::Actor {
            user: "huong".into(),
            workstation: "ws".into(),
        };
        store
            .start_batch(&actor, "lo-1", "residence-bank", "demo")
            .unwrap();
        for id in &ids {
            store.link_batch_record(&actor, "lo-1", id).unwrap();
        }
    }
    fn sample(share: &str) -> Vec<&str> {
        with(
            &["review", "sample", "--batch", "lo-1", "--share", share],
            &AS_TRUONG,
        )
    }
    refused(&data, &sample("0"), 3, "review.bad_share");
    refused(&data, &sample("1.5"), 3, "review.bad_share");
    refused(
        &data,
        &with(&["review", "sample", "--batch", "khong-co"], &AS_TRUONG),
        4,
        "store.not_found",
    );
    let first = ok(&data, &sample("0.25"));
    assert_eq!(first["fresh"], true);
    assert_eq!(
        (first["population"].as_u64(), first["share"].as_f64()),
        (Some(4), Some(0.25))
    );
    let drawn = first["records"].as_array().unwrap();
    assert_eq!(drawn.len(), 1);
    assert!(ids.iter().any(|id| drawn[0] == id.as_str()));
    let again = ok(&data, &sample("0.5"));
    assert_eq!(again["fresh"], false);
    assert_eq!(
        (&again["records"], &again["seed"]),
        (&first["records"], &first["seed"])
    );
    let human = run(&data, &["review", "sample", "--batch", "lo-1"]);
    assert!(human.status.success(), "{}", stderr(&human));
    assert!(String::from_utf8_lossy(&human.stdout).contains("1 / 4"));
}
