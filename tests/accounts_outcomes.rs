//! The audited host's account database under `--root` (`/etc/passwd`,
//! `/etc/group`): absent, unreadable or broken, through the real binary. Every
//! item that reads it is an `error` naming the file — never a silent pass, and
//! never "not applicable".

mod host_support;
use host_support::*;

/// Items that read the account database for the test profile (an asset
/// authorised to `group:root`, handled by `root`). ACC-05 (leavers' accounts)
/// reads it only when the roster has leavers; this one has none.
const READERS: &[&str] = &["ACC-01", "ACC-02", "ACC-07", "TRN-02"];

fn tree() -> Tree {
    let t = Tree::new();
    t.file("/srv/share/design/a.dwg", "x");
    t
}

fn check(r: &Report, file: &str, how: &str, wrong: &mut Vec<String>) {
    for id in READERS {
        let (st, why) = (r.status(id), r.reason(id));
        if st != "error" || !why.contains(file) {
            wrong.push(format!("{file} {how}: {id} {st}: {why}"));
        }
    }
}

#[test]
fn a_missing_or_unreadable_account_database_is_an_error_for_every_reader() {
    let mut wrong = Vec::new();
    for file in ["/etc/passwd", "/etc/group"] {
        // Absent.
        let t = tree();
        std::fs::remove_file(t.root().join(&file[1..])).unwrap();
        check(&audit_tree(&t), file, "absent", &mut wrong);
        // A folder in its place.
        let t = tree();
        std::fs::remove_file(t.root().join(&file[1..])).unwrap();
        t.dir(file);
        check(&audit_tree(&t), file, "a folder", &mut wrong);
        // A FIFO in its place (never blocks).
        let t = tree();
        std::fs::remove_file(t.root().join(&file[1..])).unwrap();
        let st = std::process::Command::new("mkfifo")
            .arg(t.root().join(&file[1..]))
            .status()
            .unwrap();
        assert!(st.success());
        check(&audit_tree(&t), file, "a FIFO", &mut wrong);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn an_account_database_nobody_may_read_is_an_error() {
    for file in ["/etc/passwd", "/etc/group"] {
        let t = tree();
        unreadable(&t, file);
        let p = Profile::new(&[("T-001", &["/srv/share/design/**"])], "");
        let Some(r) = audit_as_nobody(&t, &p) else {
            return;
        };
        let mut wrong = Vec::new();
        check(&r, file, "mode 000", &mut wrong);
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

#[test]
fn a_broken_line_of_the_account_database_is_named() {
    // root's own line cannot be parsed: an item that needs it is an error
    // citing the line (ACC-01 needs only the group and may pass on /etc/passwd).
    for (file, bad) in [
        ("/etc/passwd", "root:x:zero:0:root:/root:/bin/bash\n"),
        ("/etc/group", "root:x:zero:\n"),
    ] {
        let t = tree();
        t.file(file, bad);
        let r = audit_tree(&t);
        let mut named = Vec::new();
        for id in READERS {
            if r.evidence(id)
                .iter()
                .any(|e| e["path"] == file && e["line"] == 1)
            {
                assert_eq!(r.status(id), "error", "{file}: {id}: {}", r.reason(id));
                // The cited line is pinned by the digest of the file it is in.
                for e in r.evidence(id).iter().filter(|e| e["path"] == file) {
                    assert_eq!(e["sha256"], t.sha256(file).as_str(), "{file}: {id}");
                }
                named.push(*id);
            }
        }
        assert!(!named.is_empty(), "{file}:1 is cited by no item");
    }
}
