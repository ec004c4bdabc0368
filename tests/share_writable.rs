//! ACC-11 on real trees: a protected file or folder that everyone may write to
//! (other's write bit, `other::` in a POSIX ACL, or write given to a group that
//! stands for everyone) fails the item and is listed; nothing else does.

mod walk_common;
use walk_common::*;

const PROFILE: &str = r#"version: 1
organization:
  name: 株式会社書込テスト
scope:
  shares: [/srv/share]
assets:
  - id: T-001
    name: 金型設計図面
    classification: 極秘
    paths: ["/srv/share/design/**"]
    authorized: ["group:design", "user:tanaka"]
    handlers: [tanaka]
people:
  - account: tanaka
    name: 田中
    roles: [handler]
    status: active
"#;

const GROUP_WITH_USERS: &str = "root:x:0:
users:x:100:tanaka,suzuki,yamada
design:x:2000:suzuki
sales:x:3000:yamada
";

/// A share with the design folder (0750) and protected files (0640), all
/// owned by tanaka:design.
fn company() -> Company {
    let c = Company::new();
    c.write("/etc/group", GROUP_WITH_USERS);
    for f in ["a.dwg", "b.dwg", "sub/c.dwg"] {
        let p = c.write(&format!("/srv/share/design/{f}"), f);
        chown(&p, 1001, 2000);
        chmod(&p, 0o640);
    }
    for d in ["/srv/share/design", "/srv/share/design/sub"] {
        let p = c.host(d);
        chown(&p, 1001, 2000);
        chmod(&p, 0o750);
    }
    c
}

fn listed(r: &serde_json::Value) -> Vec<String> {
    let mut v = evidence_paths(r, "ACC-11");
    v.sort();
    v
}

#[test]
fn a_tree_nobody_else_can_write_passes() {
    let c = company();
    // An unprotected file writable by everyone is not ACC-11's business.
    let open = c.write("/srv/share/public/notice.txt", "lunch menu");
    chmod(&open, 0o666);
    let (_, r, _) = c.audit(&c.profile(PROFILE), &[]);
    assert_eq!(status(&r, "ACC-11"), "pass", "{}", item(&r, "ACC-11"));
    let reason = item(&r, "ACC-11")["reason"].as_str().unwrap().to_string();
    assert!(reason.contains("(3 protected files checked)"), "{reason}");
}

#[test]
fn other_write_on_files_and_folders_fails_and_each_is_listed() {
    let c = company();
    chmod(&c.host("/srv/share/design/a.dwg"), 0o646);
    // The asset's base folder and a sub-folder: anyone may delete or replace
    // the files in them.
    chmod(&c.host("/srv/share/design"), 0o1777);
    chmod(&c.host("/srv/share/design/sub"), 0o757);
    let (_, r, _) = c.audit(&c.profile(PROFILE), &[]);
    assert_eq!(status(&r, "ACC-11"), "fail", "{}", item(&r, "ACC-11"));
    assert_eq!(
        listed(&r),
        [
            "/srv/share/design",
            "/srv/share/design/a.dwg",
            "/srv/share/design/sub"
        ]
    );
    let ev = item(&r, "ACC-11")["evidence"].to_string();
    assert!(ev.contains("mode 0646") && ev.contains("T-001"), "{ev}");
    assert!(ev.contains("folder mode 1777"), "{ev}");
    let reason = item(&r, "ACC-11")["reason"].as_str().unwrap();
    assert!(reason.contains("3 protected files or folders"), "{reason}");
}

#[test]
fn acl_write_for_other_or_for_a_group_of_everyone_fails_but_a_named_person_or_a_mask_does_not() {
    let c = company();
    let a = c.host("/srv/share/design/a.dwg");
    let b = c.host("/srv/share/design/b.dwg");
    let sub = c.host("/srv/share/design/sub/c.dwg");
    if !(setfacl(&["-m", "other::rwx"], &a)
        && setfacl(&["-m", "g:100:rw"], &b)
        && setfacl(&["-m", "g:100:rw,m::r--"], &sub))
    {
        return;
    }
    let (_, r, _) = c.audit(&c.profile(PROFILE), &[]);
    assert_eq!(status(&r, "ACC-11"), "fail", "{}", item(&r, "ACC-11"));
    assert_eq!(
        listed(&r),
        ["/srv/share/design/a.dwg", "/srv/share/design/b.dwg"],
        "the masked entry cannot write"
    );
    let ev = item(&r, "ACC-11")["evidence"].to_string();
    assert!(ev.contains("group:users:rw-"), "{ev}");
    // A named authorised person with write is ACC-02's business, not everyone.
    let c = company();
    if !setfacl(
        &["-m", "u:1001:rw,g:2000:rw"],
        &c.host("/srv/share/design/a.dwg"),
    ) {
        return;
    }
    let (_, r, _) = c.audit(&c.profile(PROFILE), &[]);
    assert_eq!(status(&r, "ACC-11"), "pass", "{}", item(&r, "ACC-11"));
}

#[test]
fn a_folder_whose_owning_group_is_everyone_with_write_fails() {
    let c = company();
    let sub = c.host("/srv/share/design/sub");
    chown(&sub, 1001, 100);
    chmod(&sub, 0o770);
    let (_, r, _) = c.audit(&c.profile(PROFILE), &[]);
    assert_eq!(status(&r, "ACC-11"), "fail");
    assert_eq!(listed(&r), ["/srv/share/design/sub"]);
    assert!(
        item(&r, "ACC-11")["evidence"]
            .to_string()
            .contains("group:users")
    );
}

#[test]
fn no_protected_file_is_not_applicable_and_says_why() {
    let c = Company::new();
    c.write("/srv/share/other/readme.txt", "x");
    let (_, r, _) = c.audit(&c.profile(PROFILE), &[]);
    assert_eq!(status(&r, "ACC-11"), "not_applicable");
    assert!(
        item(&r, "ACC-11")["reason"]
            .as_str()
            .unwrap()
            .contains("no protected file")
    );
}

#[test]
fn an_unreadable_protected_folder_is_an_error_not_a_pass() {
    if !need_root("making a folder the auditor cannot read") {
        return;
    }
    let c = company();
    for d in ["/srv", "/srv/share"] {
        chmod(&c.host(d), 0o755);
    }
    chmod(c.root().as_path(), 0o755);
    chmod(&c.host("/srv/share/design"), 0o755);
    chmod(&c.host("/srv/share/design/a.dwg"), 0o644);
    chmod(&c.host("/srv/share/design/b.dwg"), 0o644);
    // The sub-folder cannot be listed by nobody: what is in it is unknown.
    chmod(&c.host("/srv/share/design/sub"), 0o700);
    chmod(&c.host("/etc/passwd"), 0o644);
    chmod(&c.host("/etc/group"), 0o644);
    let p = c.profile(PROFILE);
    let Some((_, r, _)) = c.audit_as_nobody(&p, &[]) else {
        return;
    };
    assert_eq!(status(&r, "ACC-11"), "error", "{}", item(&r, "ACC-11"));
    assert!(evidence_paths(&r, "ACC-11").contains(&"/srv/share/design/sub".to_string()));
}

/// The owning group `users` (everyone) counts only when it can write: by the
/// group write bit, or under an extended ACL by `group::` as `mask::` lets it.
#[test]
fn an_owning_group_of_everyone_without_write_passes() {
    let c = company();
    let d = "/srv/share/design";
    for (f, mode) in [("a.dwg", 0o640), ("b.dwg", 0o660), ("sub/c.dwg", 0o640)] {
        let p = c.host(&format!("{d}/{f}"));
        chown(&p, 1001, 100);
        chmod(&p, mode);
    }
    // b.dwg: group rw- but masked to r--; c.dwg: group r--, the mask rw- (for
    // tanaka's named entry) lets nothing more through.
    let acl = setfacl(&["-m", "m::r--"], &c.host(&format!("{d}/b.dwg")))
        && setfacl(&["-m", "u:1001:rw"], &c.host(&format!("{d}/sub/c.dwg")));
    assert!(acl);
    let (_, r, _) = c.audit(&c.profile(PROFILE), &[]);
    assert_eq!(status(&r, "ACC-11"), "pass", "{}", item(&r, "ACC-11"));
    // Group write on a.dwg: a finding.
    chmod(&c.host(&format!("{d}/a.dwg")), 0o660);
    let (_, r, _) = c.audit(&c.profile(PROFILE), &[]);
    assert_eq!(listed(&r), [format!("{d}/a.dwg")]);
}
