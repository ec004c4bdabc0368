//! Signed evidence bundles (`audit --sign-key`, `verify --allowed-signers`,
//! `verify --digest`) checked both ways against the real OpenSSH `ssh-keygen`,
//! and where `--out` may write.

mod bundle_common;
#[path = "common/require.rs"]
mod require;

use bundle_common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `ssh-keygen` is needed; under CI its absence is a failure, not a skip.
fn have_ssh_keygen() -> bool {
    let ok = Command::new("ssh-keygen")
        .arg("-?")
        .output()
        .map(|_| true)
        .unwrap_or(false);
    // A failure under CI (`CI` set, whatever its value), a loud skip elsewhere.
    ok || require::cannot_run("ssh-keygen (openssh-client) is missing; .ci/run installs it")
}

fn ssh_keygen(args: &[&str], dir: &Path) -> Output {
    Command::new("ssh-keygen")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("ssh-keygen runs")
}

/// A new key pair `NAME` / `NAME.pub` in `dir` (passphrase `pass`, "" for none).
fn keypair(dir: &Path, name: &str, kind: &str, pass: &str) -> PathBuf {
    let out = ssh_keygen(&["-q", "-t", kind, "-N", pass, "-C", name, "-f", name], dir);
    assert!(out.status.success(), "{out:?}");
    dir.join(name)
}

/// An allowed_signers file listing `principal` with the public key of `key`.
fn allowed_signers(dir: &Path, principal: &str, key: &Path) -> PathBuf {
    let pubkey = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let p = dir.join("allowed_signers");
    std::fs::write(&p, format!("{principal} {pubkey}")).unwrap();
    p
}

fn run_audit(c: &Company, extra: &[&str]) -> Output {
    timaudit()
        .args(["audit", "--lang", "en", "--date", "2026-11-25", "--profile"])
        .arg(c.profile())
        .arg("--root")
        .arg(c.root())
        .args(extra)
        .output()
        .unwrap()
}

fn audit_signed(c: &Company, key: &Path) -> Output {
    let out = run_audit(
        c,
        &[
            "--out",
            c.out().to_str().unwrap(),
            "--sign-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `timaudit verify DIR ARGS…`: exit code and everything printed.
fn verify(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = timaudit()
        .args(["verify", "--lang", "en"])
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// `ssh-keygen -Y verify` exactly as docs/verify.md tells a certification body.
fn ssh_verify(dir: &Path, signers: &Path, principal: &str) -> Output {
    let manifest = std::fs::File::open(dir.join("MANIFEST.sha256")).unwrap();
    Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(signers)
        .args([
            "-I",
            principal,
            "-n",
            "timaudit",
            "-s",
            "MANIFEST.sha256.sig",
        ])
        .current_dir(dir)
        .stdin(manifest)
        .output()
        .unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a hostile insider does: edits report.json and rewrites its manifest
/// line so that the manifest is consistent again.
fn forge_report(dir: &Path) {
    let report = dir.join("report.json");
    let text = std::fs::read_to_string(&report).unwrap();
    let forged = text.replacen("\"fail\"", "\"pass\"", 1);
    assert_ne!(text, forged, "the report has a failing item to forge");
    std::fs::write(&report, &forged).unwrap();
    let manifest = dir.join("MANIFEST.sha256");
    let lines: String = std::fs::read_to_string(&manifest)
        .unwrap()
        .lines()
        .map(|l| {
            if l.ends_with("  report.json") {
                format!("{}  report.json\n", sha256_hex(forged.as_bytes()))
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&manifest, lines).unwrap();
}

#[test]
fn a_bundle_signed_by_timaudit_verifies_with_ssh_keygen_until_it_is_forged() {
    if !have_ssh_keygen() {
        return;
    }
    let c = company();
    let key = keypair(c.path(), "id_ed25519", "ed25519", "");
    let signers = allowed_signers(c.path(), "auditor@example.jp", &key);
    let out = audit_signed(&c, &key);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("signed MANIFEST.sha256 with key SHA256:"),
        "{stderr}"
    );
    let dir = c.out();
    let digest = sha256_hex(&std::fs::read(dir.join("MANIFEST.sha256")).unwrap());
    assert!(stderr.contains(&digest), "{stderr}");

    // Stock OpenSSH accepts it, and so does timaudit.
    let ok = ssh_verify(&dir, &signers, "auditor@example.jp");
    assert!(ok.status.success(), "{ok:?}");
    let (code, text) = verify(&dir, &["--allowed-signers", signers.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("good signature by auditor@example.jp"),
        "{text}"
    );
    let (code, text) = verify(&dir, &["--digest", &digest.to_uppercase()]);
    assert_eq!(code, 0, "{text}");

    // A consistently recomputed manifest: every file matches it, yet the
    // signature and the noted digest both refuse it.
    forge_report(&dir);
    let bad = ssh_verify(&dir, &signers, "auditor@example.jp");
    assert!(
        !bad.status.success(),
        "ssh-keygen accepted a forged manifest"
    );
    let (code, text) = verify(&dir, &["--allowed-signers", signers.to_str().unwrap()]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("OK: all"),
        "the files match the forged manifest: {text}"
    );
    assert!(text.contains("was changed after it was signed"), "{text}");
    let (code, text) = verify(&dir, &["--digest", &digest]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("not the one noted"), "{text}");
    // Even without a signer list a stale signature fails.
    let (code, text) = verify(&dir, &[]);
    assert_eq!(code, 1, "{text}");

    // Re-signed by the forger's own key: OpenSSH and timaudit refuse it.
    let evil = keypair(c.path(), "evil", "ed25519", "");
    std::fs::remove_file(dir.join("MANIFEST.sha256.sig")).unwrap();
    let signed = ssh_keygen(
        &[
            "-Y",
            "sign",
            "-f",
            evil.to_str().unwrap(),
            "-n",
            "timaudit",
            "MANIFEST.sha256",
        ],
        &dir,
    );
    assert!(signed.status.success(), "{signed:?}");
    assert!(
        !ssh_verify(&dir, &signers, "auditor@example.jp")
            .status
            .success()
    );
    let (code, text) = verify(&dir, &["--allowed-signers", signers.to_str().unwrap()]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("is not listed in allowed_signers"), "{text}");
    // Without a signer list, timaudit says the signature proves no one.
    let (code, text) = verify(&dir, &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("whose key it is was not checked"), "{text}");

    // The signature removed: --allowed-signers requires one.
    std::fs::remove_file(dir.join("MANIFEST.sha256.sig")).unwrap();
    let (code, text) = verify(&dir, &["--allowed-signers", signers.to_str().unwrap()]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("there is no signature"), "{text}");
}

#[test]
fn a_signature_made_by_ssh_keygen_verifies_with_timaudit() {
    if !have_ssh_keygen() {
        return;
    }
    let c = company();
    audit(&c, "en");
    let dir = c.out();
    let key = keypair(c.path(), "id_ecdsa", "ecdsa", "");
    let signers = allowed_signers(c.path(), "body@example.jp", &key);
    let sign = |ns: &str| {
        let _ = std::fs::remove_file(dir.join("MANIFEST.sha256.sig"));
        let out = ssh_keygen(
            &[
                "-Y",
                "sign",
                "-f",
                key.to_str().unwrap(),
                "-n",
                ns,
                "MANIFEST.sha256",
            ],
            &dir,
        );
        assert!(out.status.success(), "{out:?}");
    };
    sign("timaudit");
    let (code, text) = verify(&dir, &["--allowed-signers", signers.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("body@example.jp"), "{text}");
    // A signature made for another purpose is not one for a bundle.
    sign("file");
    let (code, text) = verify(&dir, &["--allowed-signers", signers.to_str().unwrap()]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("namespace is file"), "{text}");
}

#[test]
fn an_encrypted_key_needs_its_passphrase_and_a_wrong_key_stops_before_any_work() {
    if !have_ssh_keygen() {
        return;
    }
    let c = company();
    let key = keypair(c.path(), "locked", "ed25519", "correct horse");
    let out_dir = c.out();
    let args = [
        "--out",
        out_dir.to_str().unwrap(),
        "--sign-key",
        key.to_str().unwrap(),
    ];
    let out = run_audit(&c, &args);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("TIMAUDIT_SIGN_PASSPHRASE"), "{stderr}");
    assert!(
        !c.out().exists(),
        "nothing is written before the key is usable"
    );
    // Not a key at all.
    let out = run_audit(
        &c,
        &[
            "--out",
            c.out().to_str().unwrap(),
            "--sign-key",
            c.profile().to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is not an OpenSSH key"),
        "{out:?}"
    );
    let out = timaudit()
        .args(["audit", "--lang", "en", "--date", "2026-11-25", "--profile"])
        .arg(c.profile())
        .arg("--root")
        .arg(c.root())
        .args(args)
        .env("TIMAUDIT_SIGN_PASSPHRASE", "correct horse")
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    assert!(c.out().join("MANIFEST.sha256.sig").exists());
    let signers = allowed_signers(c.path(), "tanaka", &key);
    assert!(ssh_verify(&c.out(), &signers, "tanaka").status.success());
}

#[test]
fn the_bundle_holds_the_profile_and_an_index_of_every_cited_file() {
    let c = company();
    audit(&c, "en");
    let dir = c.out();
    assert_eq!(
        std::fs::read(dir.join("evidence/profile/timaudit.yaml")).unwrap(),
        std::fs::read(c.profile()).unwrap()
    );
    let index = std::fs::read_to_string(dir.join("evidence/INDEX")).unwrap();
    let row = |cited: &str| {
        index
            .lines()
            .find(|l| !l.starts_with('#') && l.ends_with(&format!("\t{cited}")))
            .unwrap_or_else(|| panic!("{cited} missing from\n{index}"))
            .to_string()
    };
    let yaml = sha256_hex(&std::fs::read(c.profile()).unwrap());
    assert_eq!(
        row("timaudit.yaml"),
        format!("copied\t{yaml}\tevidence/profile/timaudit.yaml\ttimaudit.yaml")
    );
    assert!(row("/etc/group").starts_with("copied\t"));
    assert!(row("docs/rules.pdf").starts_with("copied\t"));
    // The index is covered by the manifest like every other file.
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.sha256")).unwrap();
    assert!(manifest.contains("  evidence/INDEX\n"), "{manifest}");
}

#[test]
fn out_inside_a_share_or_scan_path_is_refused() {
    let c = company();
    let share = c.root().join("srv/share");
    std::fs::create_dir_all(share.join("design")).unwrap();
    let scanned = c.root().join("home/tanaka");
    std::fs::create_dir_all(&scanned).unwrap();
    for (out, extra) in [
        (share.join("reports"), vec![]),
        (share.clone(), vec![]),
        (scanned.join("out"), vec!["--scan", "/home/tanaka"]),
    ] {
        let mut args = vec!["--out", out.to_str().unwrap()];
        args.extend(extra);
        let r = run_audit(&c, &args);
        assert_eq!(r.status.code(), Some(2), "{}", out.display());
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(stderr.contains("which this audit walks"), "{stderr}");
        assert!(!out.join("report.json").exists());
    }
    assert!(!share.join("reports").exists());
}

#[test]
fn an_existing_bundle_is_kept_unless_force_and_then_kept_aside() {
    let c = company();
    audit(&c, "en");
    let first = std::fs::read(c.out().join("MANIFEST.sha256")).unwrap();
    let r = run_audit(&c, &["--out", c.out().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("already holds a bundle"), "{stderr}");
    assert!(stderr.contains(&sha256_hex(&first)), "{stderr}");
    assert_eq!(
        std::fs::read(c.out().join("MANIFEST.sha256")).unwrap(),
        first
    );

    let r = run_audit(&c, &["--out", c.out().to_str().unwrap(), "--force"]);
    assert!(matches!(r.status.code(), Some(0 | 1)), "{r:?}");
    let kept = c.path().join("out.previous");
    assert_eq!(std::fs::read(kept.join("MANIFEST.sha256")).unwrap(), first);
    assert_eq!(verify(&kept, &[]).0, 0);
    assert_eq!(verify(&c.out(), &[]).0, 0);
}

#[test]
fn duplicate_or_conflicting_manifest_lines_fail_like_sha256sum() {
    let c = company();
    audit(&c, "en");
    let dir = c.out();
    let manifest = dir.join("MANIFEST.sha256");
    let original = std::fs::read_to_string(&manifest).unwrap();
    let report_line = original
        .lines()
        .find(|l| l.ends_with("  report.json"))
        .unwrap()
        .to_string();
    // A second line for report.json with another SHA-256.
    let conflicting = format!("{original}{}  report.json\n", "0".repeat(64));
    std::fs::write(&manifest, &conflicting).unwrap();
    let sha = Command::new("sha256sum")
        .args(["-c", "--quiet", "MANIFEST.sha256"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!sha.status.success(), "sha256sum -c says FAILED");
    let (code, text) = verify(&dir, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("conflicting: report.json"), "{text}");
    // The same line twice is refused as well.
    std::fs::write(&manifest, format!("{original}{report_line}\n")).unwrap();
    let (code, text) = verify(&dir, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("duplicate: report.json"), "{text}");
}

/// An ssh-agent in the foreground on a socket of its own; killed on drop.
struct Agent {
    child: std::process::Child,
    socket: PathBuf,
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent(dir: &Path) -> Agent {
    let socket = dir.join("agent.sock");
    let child = Command::new("ssh-agent")
        .arg("-D")
        .arg("-a")
        .arg(&socket)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("ssh-agent (openssh-client) runs");
    let start = std::time::Instant::now();
    while !socket.exists() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "ssh-agent did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Agent { child, socket }
}

#[test]
fn a_key_held_by_ssh_agent_signs_when_its_public_half_is_given() {
    if !have_ssh_keygen() {
        return;
    }
    let c = company();
    let key = keypair(c.path(), "held", "ed25519", "secret phrase");
    let a = agent(c.path());
    let pubkey = format!("{}.pub", key.display());
    let run = |agent_sock: Option<&Path>| {
        let mut cmd = timaudit();
        cmd.args(["audit", "--lang", "en", "--date", "2026-11-25", "--profile"])
            .arg(c.profile())
            .arg("--root")
            .arg(c.root())
            .args(["--out", c.out().to_str().unwrap(), "--sign-key", &pubkey]);
        match agent_sock {
            Some(s) => cmd.env("SSH_AUTH_SOCK", s),
            None => cmd.env_remove("SSH_AUTH_SOCK"),
        };
        cmd.output().unwrap()
    };
    // Not in the agent yet: refused before any work.
    let out = run(Some(&a.socket));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("ssh-add"),
        "{out:?}"
    );
    assert!(!c.out().exists());
    let out = run(None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SSH_AUTH_SOCK"),
        "{out:?}"
    );
    // Added with its passphrase (ssh-add reads it from SSH_ASKPASS).
    let askpass = c.path().join("askpass.sh");
    std::fs::write(&askpass, "#!/bin/sh\necho 'secret phrase'\n").unwrap();
    std::fs::set_permissions(
        &askpass,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let added = Command::new("ssh-add")
        .arg(&key)
        .env("SSH_AUTH_SOCK", &a.socket)
        .env("SSH_ASKPASS", &askpass)
        .env("SSH_ASKPASS_REQUIRE", "force")
        .env("DISPLAY", ":0")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let out = run(Some(&a.socket));
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let signers = allowed_signers(c.path(), "tanaka", &key);
    assert!(ssh_verify(&c.out(), &signers, "tanaka").status.success());
    let (code, text) = verify(&c.out(), &["--allowed-signers", signers.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
}
