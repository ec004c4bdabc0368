//! The audited host's account database: `etc/passwd` and `etc/group` under `--root`.

use crate::model::{Evidence, EvidenceKind};
use crate::rootfs::{HostFile, RootFs};
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: String,
    pub shell: String,
    /// 1-based line in `/etc/passwd`.
    pub line: usize,
    pub raw: String,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub gid: u32,
    /// Supplementary members as listed in `/etc/group`.
    pub members: Vec<String>,
    pub line: usize,
    pub raw: String,
}

#[derive(Clone, Debug)]
pub struct Accounts {
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub passwd: FileRef,
    pub group: FileRef,
    /// Lines that could not be read (file, line, text).
    pub problems: Vec<(String, usize, String)>,
}

/// Where a fact came from, for evidence.
#[derive(Clone, Debug)]
pub struct FileRef {
    pub path: String,
    pub sha256: String,
}

impl From<&HostFile> for FileRef {
    fn from(f: &HostFile) -> Self {
        FileRef {
            path: f.path.clone(),
            sha256: f.sha256.clone(),
        }
    }
}

/// Shells that do not allow an interactive login. (An empty shell field means
/// `/bin/sh`, which does.)
pub fn is_nologin_shell(shell: &str) -> bool {
    let base = shell.trim().rsplit('/').next().unwrap_or("");
    matches!(
        base,
        "nologin" | "false" | "true" | "sync" | "shutdown" | "halt"
    )
}

impl Accounts {
    /// Reads both files; an error names the file that could not be read.
    pub fn load(fs: &RootFs) -> Result<Accounts, String> {
        let passwd = fs
            .read("/etc/passwd")
            .map_err(|e| format!("cannot read /etc/passwd under {}: {e}", fs.root().display()))?;
        let group = fs
            .read("/etc/group")
            .map_err(|e| format!("cannot read /etc/group under {}: {e}", fs.root().display()))?;
        Ok(Accounts::parse(&passwd, &group))
    }

    pub fn parse(passwd: &HostFile, group: &HostFile) -> Accounts {
        let mut problems = Vec::new();
        let mut users = Vec::new();
        for (i, line) in passwd.text().lines().enumerate() {
            let l = line.trim_end_matches('\r');
            if l.trim().is_empty() || l.starts_with('#') || l.starts_with('+') || l.starts_with('-')
            {
                continue;
            }
            let f: Vec<&str> = l.split(':').collect();
            match (
                f.len() >= 7,
                f.get(2).and_then(|s| s.parse().ok()),
                f.get(3).and_then(|s| s.parse().ok()),
            ) {
                (true, Some(uid), Some(gid)) => users.push(User {
                    name: f[0].to_string(),
                    uid,
                    gid,
                    home: f[5].to_string(),
                    shell: f[6..].join(":"),
                    line: i + 1,
                    raw: l.to_string(),
                }),
                _ => problems.push((passwd.path.clone(), i + 1, l.to_string())),
            }
        }
        let mut groups = Vec::new();
        for (i, line) in group.text().lines().enumerate() {
            let l = line.trim_end_matches('\r');
            if l.trim().is_empty() || l.starts_with('#') || l.starts_with('+') || l.starts_with('-')
            {
                continue;
            }
            let f: Vec<&str> = l.split(':').collect();
            match (f.len() >= 3, f.get(2).and_then(|s| s.parse().ok())) {
                (true, Some(gid)) => groups.push(Group {
                    name: f[0].to_string(),
                    gid,
                    members: f
                        .get(3)
                        .map(|m| {
                            m.split(',')
                                .map(str::trim)
                                .filter(|s| !s.is_empty())
                                .map(String::from)
                                .collect()
                        })
                        .unwrap_or_default(),
                    line: i + 1,
                    raw: l.to_string(),
                }),
                _ => problems.push((group.path.clone(), i + 1, l.to_string())),
            }
        }
        Accounts {
            users,
            groups,
            passwd: passwd.into(),
            group: group.into(),
            problems,
        }
    }

    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }
    pub fn user_by_uid(&self, uid: u32) -> Option<&User> {
        self.users.iter().find(|u| u.uid == uid)
    }
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }
    pub fn group_by_gid(&self, gid: u32) -> Option<&Group> {
        self.groups.iter().find(|g| g.gid == gid)
    }

    /// Is `user` in `group`, as a supplementary member or by primary gid?
    pub fn is_member(&self, user: &str, group: &str) -> bool {
        self.members_of(group).contains(user)
    }

    /// Everyone in a group: supplementary members and users whose primary gid it is.
    /// A group name listed on several lines counts every line, as the C library's
    /// membership lookup (initgroups) does: a second `sudo` line cannot hide anyone.
    pub fn members_of(&self, group: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for g in self.groups.iter().filter(|g| g.name == group) {
            out.extend(g.members.iter().cloned());
            out.extend(
                self.users
                    .iter()
                    .filter(|u| u.gid == g.gid)
                    .map(|u| u.name.clone()),
            );
        }
        out
    }

    /// Evidence pointing at a user's line in `/etc/passwd`.
    pub fn user_evidence(&self, u: &User) -> Evidence {
        Evidence::new(EvidenceKind::Config)
            .path(&self.passwd.path)
            .line(u.line)
            .excerpt(&u.raw)
            .sha256(Some(self.passwd.sha256.clone()))
            .principal(format!("user:{}", u.name))
    }

    /// Evidence pointing at a group's line in `/etc/group`.
    pub fn group_evidence(&self, g: &Group) -> Evidence {
        Evidence::new(EvidenceKind::Config)
            .path(&self.group.path)
            .line(g.line)
            .excerpt(&g.raw)
            .sha256(Some(self.group.sha256.clone()))
            .principal(format!("group:{}", g.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hf(path: &str, text: &str) -> HostFile {
        HostFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
            sha256: crate::rootfs::sha256_hex(text.as_bytes()),
        }
    }

    #[test]
    fn membership_counts_primary_and_supplementary_groups() {
        let a = Accounts::parse(
            &hf(
                "/etc/passwd",
                "root:x:0:0:root:/root:/bin/bash\ntanaka:x:1001:2000::/home/tanaka:/bin/bash\nsato:x:1002:1002::/home/sato:/usr/sbin/nologin\nbroken line\n",
            ),
            &hf(
                "/etc/group",
                "root:x:0:\ndesign:x:2000:\nsudo:x:27:sato, yamada\n",
            ),
        );
        assert!(a.is_member("tanaka", "design"));
        assert!(a.is_member("sato", "sudo"));
        assert!(!a.is_member("tanaka", "sudo"));
        assert_eq!(
            a.members_of("sudo").into_iter().collect::<Vec<_>>(),
            ["sato", "yamada"]
        );
        assert_eq!(a.problems.len(), 1);
        assert_eq!(a.problems[0].1, 4);
        assert!(is_nologin_shell(&a.user("sato").unwrap().shell));
        assert!(!is_nologin_shell(&a.user("tanaka").unwrap().shell));
    }
}
