//! Windows evidence folders (`audit --evidence DIR`): English Windows Server
//! output in UTF-16LE/UTF-8 with BOM, Japanese Windows output in CP932, both
//! built by tests/fixtures/windows/generate.py.

mod host_support;
use host_support::*;
use std::path::Path;

fn profile() -> Profile {
    Profile::new(
        &[
            ("W-001", &["D:\\Share\\Design\\**"]),
            ("W-002", &["C:\\共有\\設計\\**"]),
        ],
        "",
    )
}

fn run(dirs: &[&Path], p: &Profile) -> Report {
    let mut args: Vec<&str> = Vec::new();
    for d in dirs {
        args.push("--evidence");
        args.push(d.to_str().unwrap());
    }
    audit(None, p, &args)
}

/// Writes a `reg export` file: UTF-16 with its header, then `body`.
fn write_reg(path: impl AsRef<Path>, body: &str) {
    std::fs::write(
        path,
        utf16(&format!("Windows Registry Editor Version 5.00\n\n{body}")),
    )
    .unwrap();
}

#[test]
fn english_file_server_passes_its_windows_checks() {
    let (_d, fs01) = win_fixture("en-fs01");
    let p = Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], "");
    let r = run(&[&fs01], &p);
    let hosts = r.json["hosts"].as_array().unwrap();
    assert_eq!(
        hosts.len(),
        1,
        "without --root only the evidence is audited: {hosts:?}"
    );
    assert_eq!(hosts[0]["name"], "FS01");
    assert_eq!(hosts[0]["kind"], "windows");
    r.expect("ITS-01", "pass");
    r.expect("ITS-03", "pass");
    r.expect("ITS-04", "pass");
    r.expect("ITS-05", "pass");
    r.expect("ITS-08", "pass");
    r.expect("ITS-10", "pass");
    r.expect("ACC-04", "pass");
    assert_eq!(
        r.reason("ACC-04"),
        "the Windows share over protected paths does not allow guest or anonymous access"
    );
    r.expect("ITS-11", "pass"); // smb-server.json: EnableSMB1Protocol false
    // No Windows source for these: not applicable, not fail.
    for id in ["ITS-02", "ITS-06", "ITS-07", "ITS-09"] {
        r.expect(id, "not_applicable");
    }
    // Nothing of the machine running the tool is walked: the share items are not
    // applicable (there is no Linux host), never an error or a walk of `/`.
    for id in ["HDL-02", "HDL-04", "HDL-05", "ACC-02", "STO-06"] {
        r.expect(id, "not_applicable");
    }
    assert_eq!(r.json["inventory"]["files"], 0);
    let ev = r.evidence("ITS-01");
    let start = ev
        .iter()
        .find(|e| e["excerpt"] == "\"Start\"=dword:00000004")
        .unwrap();
    assert_eq!(start["kind"], "windows");
    assert!(
        start["path"]
            .as_str()
            .unwrap()
            .ends_with("registry/usbstor.reg")
    );
    assert_eq!(start["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn japanese_pc_fails_with_cp932_evidence() {
    let (_d, pc) = win_fixture("ja-pc01");
    let p = Profile::new(&[("W-002", &["C:\\共有\\設計\\**"])], "");
    let r = run(&[&pc], &p);
    assert_eq!(r.json["hosts"][0]["name"], "SEKKEI-PC01");
    r.expect("ITS-01", "fail"); // Start = 3
    r.expect("ITS-03", "fail"); // public profile OFF
    r.reason_has("ITS-03", "パブリック プロファイル");
    r.expect("ITS-04", "fail"); // ファイル システム: 失敗 only
    r.expect("ITS-05", "fail"); // retention false
    r.expect("ITS-08", "fail"); // real-time protection off
    r.expect("ITS-10", "fail"); // MinimumPasswordLength = 0
    r.expect("ACC-04", "fail"); // Guest and ANONYMOUS LOGON on the 設計 share
    r.expect("ITS-11", "fail"); // EnableSMB1Protocol true
    let acc04: Vec<String> = r
        .evidence("ACC-04")
        .iter()
        .filter_map(|e| e["principal"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        acc04,
        vec!["SEKKEI-PC01\\Guest", "NT AUTHORITY\\ANONYMOUS LOGON"]
    );
    // ACC-03: Everyone and Authenticated Users can read protected files.
    let acc03 = r.evidence("ACC-03");
    let broad: Vec<&str> = acc03
        .iter()
        .filter_map(|e| e["principal"].as_str())
        .collect();
    assert!(
        broad.contains(&"Everyone") && broad.contains(&"NT AUTHORITY\\Authenticated Users"),
        "{acc03:?}"
    );
    // No Linux host in this audit: the Windows findings alone decide.
    assert_eq!(r.status("ACC-03"), "fail");
    let e = acc03.iter().find(|e| e["principal"] == "Everyone").unwrap();
    assert!(
        e["detail"]
            .as_str()
            .unwrap()
            .contains("C:\\共有\\設計\\金型図面 017.dwg"),
        "{e}"
    );
}

#[test]
fn two_hosts_one_failing_fails_the_item() {
    let (_a, fs01) = win_fixture("en-fs01");
    let (_b, pc) = win_fixture("ja-pc01");
    // The PC shares nothing: ITS-11 (SMB server settings) does not apply to it.
    std::fs::remove_file(pc.join("smb-server.json")).unwrap();
    std::fs::remove_file(pc.join("smb-shares.csv")).unwrap();
    let r = run(&[&fs01, &pc], &profile());
    assert_eq!(r.json["hosts"].as_array().unwrap().len(), 2);
    r.expect("ITS-01", "fail");
    assert!(r.reason("ITS-01").contains("SEKKEI-PC01"));
    assert!(r.reason("ITS-01").contains("FS01"));
    // Only the file server serves SMB (ITS-11 does not apply to the PC): with
    // two hosts the reason still says whose it is.
    assert!(
        r.reason("ITS-11").starts_with("FS01: "),
        "{}",
        r.reason("ITS-11")
    );
}

#[test]
fn usb_policy_variants_and_enum_usbstor_is_not_a_control() {
    let (_d, pc) = win_fixture("ja-pc01");
    let p = profile();
    write_reg(
        pc.join("registry/removable.reg"),
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\RemovableStorageDevices\\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}]\n\"Deny_Write\"=dword:00000001\n\n",
    );
    run(&[&pc], &p).expect("ITS-01", "pass");
    // Only the device history: cannot be assessed.
    std::fs::remove_file(pc.join("registry/removable.reg")).unwrap();
    write_reg(
        pc.join("registry/usbstor.reg"),
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Enum\\USBSTOR\\Disk&Ven_SanDisk&Prod_Cruzer&Rev_1.00\\4C530001230715119045&0]\n\"Capabilities\"=dword:00000010\n\"Start\"=dword:00000004\n\n",
    );
    run(&[&pc], &p).expect("ITS-01", "error");
    std::fs::remove_dir_all(pc.join("registry")).unwrap();
    let r = run(&[&pc], &p);
    r.expect("ITS-01", "error");
    r.reason_has("ITS-01", "registry");
}

#[test]
fn a_removable_storage_policy_passes_its01_without_a_usbstor_service_export() {
    // The registry evidence has only the device history (Enum\USBSTOR), which is
    // no control; the removable storage policy alone is enough to pass.
    let (_d, pc) = win_fixture("ja-pc01");
    let p = profile();
    write_reg(
        pc.join("registry/usbstor.reg"),
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Enum\\USBSTOR\\Disk&Ven_SanDisk&Prod_Cruzer&Rev_1.00\\4C530001230715119045&0]\n\"Capabilities\"=dword:00000010\n\n",
    );
    let r = run(&[&pc], &p);
    r.expect("ITS-01", "error");
    // Every registry file parsed: the reason is the missing export alone.
    assert!(
        r.reason("ITS-01").starts_with(
            "cannot be assessed: the registry evidence has no export of Services\\USBSTOR"
        ),
        "{}",
        r.reason("ITS-01")
    );
    let deny_all = |v: u32| {
        write_reg(
            pc.join("registry/removable.reg"),
            &format!(
                "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\RemovableStorageDevices]\n\"Deny_All\"=dword:{v:08x}\n\n"
            ),
        );
    };
    // Deny_All=0 denies nothing.
    deny_all(0);
    run(&[&pc], &p).expect("ITS-01", "error");
    deny_all(1);
    let r = run(&[&pc], &p);
    r.expect("ITS-01", "pass");
    r.reason_has("ITS-01", "Deny_All=1 denies all access");
}

#[test]
fn its14_w32time_without_its_start_value_or_with_an_empty_ntpserver_is_not_a_pass() {
    let (_d, pc) = win_fixture("ja-pc01");
    let p = profile();
    let w32time = |server: &str| {
        write_reg(
            pc.join("registry/w32time.reg"),
            &format!(
                "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\W32Time]\n\"Start\"=dword:00000003\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters]\n\"NtpServer\"=\"{server}\"\n\"Type\"=\"NTP\"\n\n"
            ),
        );
    };
    // An export of the Parameters key alone: the file is there, the service's
    // Start value is not.
    write_reg(
        pc.join("registry/w32time.reg"),
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters]\n\"Type\"=\"NTP\"\n\n",
    );
    let r = run(&[&pc], &p);
    r.expect("ITS-14", "error");
    r.reason_has("ITS-14", "registry/w32time.reg has no Start value under");
    w32time("ntp.nict.jp,0x9");
    run(&[&pc], &p).expect("ITS-14", "pass");
    w32time("  ");
    let r = run(&[&pc], &p);
    r.expect("ITS-14", "fail");
    r.reason_has("ITS-14", "NtpServer names no server");
}

#[test]
fn its11_without_smb_server_settings_only_a_real_share_makes_it_an_error() {
    // No smb-server.json: a server with a share of its own must not drop out of
    // ITS-11 (error), but administrative shares (ADMIN$, D$, IPC$) alone do not
    // make a file server.
    let (_d, fs01) = win_fixture("en-fs01");
    let p = profile();
    std::fs::remove_file(fs01.join("smb-server.json")).unwrap();
    let csv = std::fs::read_to_string(fs01.join("smb-shares.csv")).unwrap();
    let r = run(&[&fs01], &p);
    r.expect("ITS-11", "error");
    r.reason_has("ITS-11", "smb-server.json");
    let special_only: String = csv
        .lines()
        .filter(|l| !l.contains("\"Design\"") && !l.contains("\"Public\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(special_only.contains("ADMIN$"), "{special_only}");
    std::fs::write(fs01.join("smb-shares.csv"), &special_only).unwrap();
    let r = run(&[&fs01], &p);
    assert_ne!(r.status("ITS-11"), "error", "{}", r.reason("ITS-11"));
    r.reason_has("ITS-11", "neither SMB server settings");
}

#[test]
fn group_policy_overrides_local_firewall_and_event_log_settings() {
    let (_d, pc) = win_fixture("ja-pc01");
    let p = profile();
    write_reg(
        pc.join("registry/firewall-policy.reg"),
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile]\n\"EnableFirewall\"=dword:00000001\n\"DefaultInboundAction\"=dword:00000001\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\EventLog\\Security]\n\"Retention\"=\"1\"\n\n",
    );
    let r = run(&[&pc], &p);
    r.expect("ITS-03", "pass");
    r.expect("ITS-05", "pass");
    let gpo: Vec<String> = r
        .evidence("ITS-03")
        .iter()
        .filter(|e| {
            e["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("firewall-policy.reg"))
        })
        .map(|e| e["detail"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(gpo.len(), 2, "{gpo:#?}");
    assert!(
        gpo.iter()
            .all(|d| d.contains("Group Policy takes precedence")),
        "{gpo:#?}"
    );
}

#[test]
fn broken_and_missing_evidence_files_are_errors() {
    let (_d, fs01) = win_fixture("en-fs01");
    let p = profile();
    std::fs::write(fs01.join("auditpol.csv"), "this,is,not\n").unwrap();
    std::fs::write(fs01.join("defender.json"), "{ not json").unwrap();
    std::fs::remove_file(fs01.join("secedit.inf")).unwrap();
    std::fs::write(fs01.join("firewall.txt"), utf16("Ok.\n")).unwrap();
    let r = run(&[&fs01], &p);
    r.expect("ITS-04", "error");
    r.expect("ITS-08", "error");
    r.expect("ITS-10", "error");
    r.expect("ITS-03", "error");
    assert!(r.reason("ITS-10").contains("secedit.inf"));
}

#[test]
fn a_missing_evidence_folder_stops_the_run() {
    let p = profile();
    let out = assert_cmd::Command::cargo_bin("timaudit")
        .unwrap()
        .args([
            "audit",
            "--format",
            "json",
            "--evidence",
            "/nonexistent/evidence",
        ])
        .arg("--profile")
        .arg(p.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/evidence"));
}

#[test]
fn with_an_explicit_root_both_linux_and_windows_hosts_are_covered() {
    let (_d, fs01) = win_fixture("en-fs01");
    let t = Tree::new();
    t.file(
        "/etc/modprobe.d/usb.conf",
        "install usb-storage /bin/true\ninstall firewire-sbp2 /bin/true\ninstall thunderbolt /bin/true\n",
    );
    let p = Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], "");
    let r = audit(Some(t.root()), &p, &["--evidence", fs01.to_str().unwrap()]);
    let kinds: Vec<&str> = r.json["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["linux", "windows"]);
    r.expect("ITS-01", "pass");
    r.expect("ITS-02", "not_applicable");
    r.expect("ITS-07", "fail"); // the Linux host has no IDS
    // An empty --root (no etc) with evidence covers only the evidence.
    let empty = tempfile::tempdir().unwrap();
    let r = audit(
        Some(empty.path()),
        &p,
        &["--evidence", fs01.to_str().unwrap()],
    );
    assert_eq!(r.json["hosts"].as_array().unwrap().len(), 1);
    r.expect("ITS-07", "not_applicable");
}

#[test]
fn windows_asset_without_acl_evidence_is_an_error_for_acc03() {
    let (_d, fs01) = win_fixture("en-fs01");
    let p = Profile::new(&[("W-003", &["E:\\Other\\**"])], "");
    let r = run(&[&fs01], &p);
    // Nobody exported W-003's ACL: whether others can read it is unknown.
    r.expect("ACC-03", "error");
    r.reason_has("ACC-03", "W-003");
    let ev = r.evidence("ACC-03");
    assert!(ev.iter().any(|e| e["asset"] == "W-003"), "{ev:?}");
}

#[test]
fn icacls_output_without_the_protected_files_is_an_error_not_a_pass() {
    // `icacls "D:\\共有\\設計"` without /t lists only the folder: the files the
    // asset protects were never checked, so ACC-03 cannot pass.
    let (_d, pc) = win_fixture("ja-pc01");
    for e in std::fs::read_dir(pc.join("acl")).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    let (cp932, _, _) = encoding_rs::SHIFT_JIS.encode(
        "C:\\共有\\設計 BUILTIN\\Administrators:(OI)(CI)(F)\r\n              BUILTIN\\Users:(OI)(CI)(RX)\r\n\r\n1 個のファイルが正常に処理されました。0 個のファイルを処理できませんでした\r\n",
    );
    std::fs::write(pc.join("acl/design.txt"), &cp932).unwrap();
    let p = Profile::new(&[("W-002", &["C:\\共有\\設計\\**"])], "");
    let r = run(&[&pc], &p);
    r.expect("ACC-03", "error");
    r.reason_has("ACC-03", "/t");
    // With the files listed (icacls /t), the inherited Users entry is found.
    let (cp932, _, _) = encoding_rs::SHIFT_JIS.encode(
        "C:\\共有\\設計 BUILTIN\\Administrators:(OI)(CI)(F)\r\n              BUILTIN\\Users:(OI)(CI)(RX)\r\n\r\nC:\\共有\\設計\\図面.dwg BUILTIN\\Users:(I)(RX)\r\n\r\n2 個のファイルが正常に処理されました。0 個のファイルを処理できませんでした\r\n",
    );
    std::fs::write(pc.join("acl/design.txt"), &cp932).unwrap();
    let r = run(&[&pc], &p);
    r.expect("ACC-03", "fail");
}

#[test]
fn a_folder_without_host_json_is_named_after_the_folder_with_a_warning() {
    let (_d, pc) = win_fixture("ja-pc01");
    std::fs::remove_file(pc.join("host.json")).unwrap();
    let r = run(&[&pc], &profile());
    assert_eq!(r.json["hosts"][0]["name"], "ja-pc01");
    let w: Vec<&str> = r.json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert!(w.iter().any(|w| w.contains("host.json")), "{w:?}");
}

#[test]
fn firewall_output_missing_a_profile_is_an_error_not_a_pass() {
    // `netsh advfirewall show currentprofile` (or a truncated file) shows fewer
    // than the three profiles: the others are unknown, so no pass.
    let (_d, fs01) = win_fixture("en-fs01");
    let dashes = "-".repeat(70);
    let block = |name: &str, state: &str| {
        format!(
            "\n{name} Profile Settings:\n{dashes}\nState                                 {state}\nFirewall Policy                       BlockInbound,AllowOutbound\n"
        )
    };
    let two = format!("{}{}\nOk.\n", block("Domain", "ON"), block("Private", "ON"));
    std::fs::write(fs01.join("firewall.txt"), utf16(&two)).unwrap();
    let p = Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], "");
    let r = run(&[&fs01], &p);
    r.expect("ITS-03", "error");
    r.reason_has("ITS-03", "only 2 profile");
    // A shown profile that is off still fails.
    let off = format!(
        "{}{}\nOk.\n",
        block("Domain", "ON"),
        block("Private", "OFF")
    );
    std::fs::write(fs01.join("firewall.txt"), utf16(&off)).unwrap();
    let r = run(&[&fs01], &p);
    r.reason_has("ITS-03", "Private");
    // All three on and blocking passes.
    let three = format!(
        "{}{}{}\nOk.\n",
        block("Domain", "ON"),
        block("Private", "ON"),
        block("Public", "ON")
    );
    std::fs::write(fs01.join("firewall.txt"), utf16(&three)).unwrap();
    run(&[&fs01], &p).expect("ITS-03", "pass");
}

#[test]
fn one_broad_ace_is_named_in_the_singular() {
    let (_d, fs01) = win_fixture("en-fs01");
    let acl = fs01.join("acl");
    std::fs::remove_dir_all(&acl).unwrap();
    std::fs::create_dir_all(&acl).unwrap();
    std::fs::write(
        acl.join("design.txt"),
        utf16(
            "D:\\Share\\Design\\b.dwg CORP\\Domain Users:(I)(RX)\n                       BUILTIN\\Administrators:(I)(F)\n\nSuccessfully processed 1 files; Failed processing 0 files\n",
        ),
    )
    .unwrap();
    let p = Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], "");
    let r = run(&[&fs01], &p);
    r.expect("ACC-03", "fail");
    r.reason_has(
        "ACC-03",
        "W-001: 1 ACE lets everyone read protected Windows paths",
    );
}

#[test]
fn the_bundle_copies_windows_evidence_given_as_a_relative_folder() {
    let (d, _pc01) = win_fixture("ja-pc01");
    let p = profile();
    for (evidence, out) in [
        ("ja-pc01".to_string(), "out-rel"),
        (d.path().join("ja-pc01").display().to_string(), "out-abs"),
    ] {
        let o = assert_cmd::Command::cargo_bin("timaudit")
            .unwrap()
            .current_dir(d.path())
            .args(["audit", "--lang", "en", "--date", "2026-06-01", "--profile"])
            .arg(p.path())
            .args(["--evidence", &evidence, "--out", out])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("not copied"), "{evidence}: {err}");
        let copied = d.path().join(out).join("evidence/windows/ja-pc01");
        for f in ["secedit.inf", "firewall.txt", "auditpol.csv"] {
            assert!(
                copied.join(f).is_file(),
                "{evidence}: {f} missing in {copied:?}"
            );
        }
    }
}

const COLLECTOR: &str = "scripts/collect-windows-evidence.ps1";

/// The parts of a PowerShell script outside comments and string literals
/// (`#…`, `<#…#>`, `'…'` with `''`, `"…"` with `` `" `` and `""`).
fn powershell_code(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let (mut out, mut i) = (String::new(), 0);
    while i < c.len() {
        if c[i] == '<' && c.get(i + 1) == Some(&'#') {
            i += 2;
            while i < c.len() && !(c[i] == '#' && c.get(i + 1) == Some(&'>')) {
                i += 1;
            }
            i += 2;
        } else if c[i] == '#' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '\'' || c[i] == '"' {
            let q = c[i];
            i += 1;
            while i < c.len() {
                // `` `" `` escapes in "…"; a doubled quote escapes in both.
                if (q == '"' && c[i] == '`') || (c[i] == q && c.get(i + 1) == Some(&q)) {
                    i += 2;
                } else if c[i] == q {
                    break;
                } else {
                    i += 1;
                }
            }
            i += 1;
            out.push_str("''");
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn the_collector_is_utf8_with_a_bom_for_windows_powershell_5_1() {
    // Windows PowerShell 5.1 reads a script without a BOM in the ANSI code
    // page: the Japanese messages would break the parse before anything is
    // collected. Non-ASCII text is allowed only in comments and strings.
    let bytes = std::fs::read(COLLECTOR).unwrap();
    assert!(
        bytes.starts_with(b"\xef\xbb\xbf"),
        "{COLLECTOR} must start with a UTF-8 BOM"
    );
    let text = std::str::from_utf8(&bytes[3..]).expect("the collector must be UTF-8");
    assert!(
        text.contains("完了しました"),
        "the Japanese messages are part of the test"
    );
    let code = powershell_code(text);
    let bad: Vec<&str> = code.lines().filter(|l| !l.is_ascii()).collect();
    assert!(
        bad.is_empty(),
        "non-ASCII outside comments and strings: {bad:?}"
    );
    // The helper itself: code, comments and strings told apart.
    assert_eq!(
        powershell_code("$a = 'x''y' # 日本\n<# 設計 #>$b = \"q`\"r\"\n"),
        "$a = '' \n$b = ''\n"
    );
    // Programs run by their full System32 path, never by a bare name that
    // a planted copy in the current folder would answer.
    assert!(text.contains("Join-Path $env:SystemRoot 'System32'"));
    for exe in [
        "icacls.exe",
        "reg.exe",
        "auditpol.exe",
        "secedit.exe",
        "netsh.exe",
        "wevtutil.exe",
    ] {
        for (n, l) in text.lines().enumerate() {
            if l.contains(exe) && !l.trim_start().starts_with('#') {
                assert!(
                    l.contains(&format!("Save-NativeOutput '{exe}'")),
                    "{COLLECTOR}:{}: {exe} not started through Save-NativeOutput: {l}",
                    n + 1
                );
            }
        }
    }
    assert!(text.contains("$psi.FileName = Join-Path $Sys32 $Exe"));
    // Output is streamed into the file, not buffered in memory.
    assert!(text.contains("BaseStream.CopyTo($out)") && !text.contains("$out.ToArray()"));
    // Locale-neutral sources.
    for src in [
        "Get-NetFirewallProfile -PolicyStore ActiveStore",
        "'/backup'",
        "Get-SmbServerConfiguration",
        "Get-MpComputerStatus",
        "minPwdLength",
    ] {
        assert!(text.contains(src), "the collector does not use {src}");
    }
}

#[test]
fn the_collector_parses_as_powershell() {
    // tree-sitter's PowerShell grammar (PyPI: tree-sitter, tree-sitter-powershell;
    // .ci/run installs them and sets TIMAUDIT_PS_PYTHON).
    let py = std::env::var("TIMAUDIT_PS_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = std::process::Command::new(&py)
        .args(["scripts/check-powershell.py", COLLECTOR])
        .output();
    // A failure under CI (`CI` set, whatever its value), a loud skip elsewhere.
    match out {
        Ok(o) if o.status.code() == Some(3) || o.status.code().is_none() => {
            host_support::cannot_run(&format!(
                "the PowerShell grammar is not installed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
        }
        Err(e) => {
            host_support::cannot_run(&format!("{py} cannot be run: {e}"));
        }
        Ok(o) => assert!(
            o.status.success(),
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    }
}

fn put(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn cp932(text: &str) -> Vec<u8> {
    encoding_rs::SHIFT_JIS
        .encode(&text.replace('\n', "\r\n"))
        .0
        .into_owned()
}

fn real(name: &str) -> Vec<u8> {
    std::fs::read(Path::new("tests/fixtures/windows/real").join(name)).unwrap()
}

fn ev_text(r: &Report, id: &str) -> String {
    serde_json::to_string(&r.evidence(id)).unwrap()
}

#[test]
fn public_real_exports_get_the_verdict_a_person_reads() {
    // tests/fixtures/windows/real/SOURCES.md says where each file comes from.
    let (_d, fs01) = win_fixture("en-fs01");
    let p = Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], "");
    // DoD GPO GptTmpl.inf (UTF-16LE): MinimumPasswordLength = 14.
    put(&fs01, "secedit.inf", &real("gpttmpl-dod-windows8.inf"));
    // A real `auditpol /backup`: File System = Success and Failure.
    put(
        &fs01,
        "auditpol.csv",
        &std::fs::read("tests/fixtures/corpus/auditpol-backup-simeononsecurity.csv").unwrap(),
    );
    // Get-MpComputerStatus as printed on screen (Microsoft's example).
    put(&fs01, "defender.json", &real("defender-list-msdocs.txt"));
    let r = run(&[&fs01], &p);
    r.expect("ITS-10", "pass");
    r.reason_has("ITS-10", "14");
    r.expect("ITS-04", "pass");
    r.expect("ITS-08", "pass");
    assert!(ev_text(&r, "ITS-08").contains("RealTimeProtectionEnabled"));
    // GPO audit.csv files that do not configure File System: nothing to read
    // the setting from, so the item cannot be assessed (not a pass).
    for f in ["audit-gpo-dod-windows8.csv", "audit-gpo-dod-windows10.csv"] {
        put(&fs01, "auditpol.csv", &real(f));
        let r = run(&[&fs01], &p);
        r.expect("ITS-04", "error");
        assert!(
            r.reason("ITS-04").contains("0CCE921D"),
            "{f}: {}",
            r.reason("ITS-04")
        );
    }
}

#[test]
fn japanese_auditpol_capture_with_a_code_page_banner_is_read() {
    let (_d, pc) = win_fixture("ja-pc01");
    let csv = "Active code page: 437\n\nコンピューター名,ポリシー ターゲット,サブカテゴリ,サブカテゴリ GUID,包含設定,除外設定\nSEKKEI-PC01,システム,ファイル システム,{0CCE921D-69AE-11D9-BED3-505054503030},監査なし,\nSEKKEI-PC01,システム,レジストリ,{0CCE921E-69AE-11D9-BED3-505054503030},成功,\n";
    put(&pc, "auditpol.csv", &cp932(csv));
    let r = run(&[&pc], &profile());
    r.expect("ITS-04", "fail");
    assert!(
        ev_text(&r, "ITS-04").contains("\"line\":4"),
        "{}",
        ev_text(&r, "ITS-04")
    );
}

#[test]
fn per_user_audit_rows_do_not_override_the_system_setting() {
    let (_d, fs01) = win_fixture("en-fs01");
    let csv = "Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting,Setting Value\nFS01,System,File System,{0CCE921D-69AE-11D9-BED3-505054503030},Failure,,2\nFS01,S-1-5-21-1004336348-1177238915-682003330-1105,File System,{0CCE921D-69AE-11D9-BED3-505054503030},Success,,1\n";
    put(&fs01, "auditpol.csv", csv.as_bytes());
    run(&[&fs01], &profile()).expect("ITS-04", "fail");
}

fn netsh_fr(public: &str) -> String {
    let block = |name: &str, state: &str| {
        format!(
            "Paramètres {name} :\n----------------------------------------------------------------------\nÉtat                                  {state}\nStratégie de pare-feu                 BlockInbound,AllowOutbound\nLocalFirewallRules                    N/A (magasin d'objets de stratégie de groupe uniquement)\nInboundUserNotification               Activer\n\n"
        )
    };
    block("Profil de domaine", "Actif")
        + &block("Profil privé", "Actif")
        + &block("Profil public", public)
        + "Ok.\n"
}

#[test]
fn localised_netsh_states_and_the_locale_neutral_json() {
    let (_d, fs01) = win_fixture("en-fs01");
    let p = profile();
    put(&fs01, "firewall.txt", &utf16(&netsh_fr("Actif")));
    run(&[&fs01], &p).expect("ITS-03", "pass");
    put(&fs01, "firewall.txt", &utf16(&netsh_fr("Inactif")));
    let r = run(&[&fs01], &p);
    r.expect("ITS-03", "fail");
    r.reason_has("ITS-03", "Profil public");
    // A state word no table knows is an error, never a guess.
    put(&fs01, "firewall.txt", &utf16(&netsh_fr("Vielleicht")));
    run(&[&fs01], &p).expect("ITS-03", "error");
    // firewall.json (Get-NetFirewallProfile -PolicyStore ActiveStore) wins.
    let json = |public: &str| {
        format!(
            "[\n  {{\"Name\": \"Domain\", \"Enabled\": \"True\", \"DefaultInboundAction\": \"Block\"}},\n  {{\"Name\": \"Private\", \"Enabled\": \"True\", \"DefaultInboundAction\": \"NotConfigured\"}},\n  {{\"Name\": \"Public\", \"Enabled\": \"{public}\", \"DefaultInboundAction\": \"Block\"}}\n]\n"
        )
    };
    put(&fs01, "firewall.json", json("True").as_bytes());
    let r = run(&[&fs01], &p);
    r.expect("ITS-03", "pass");
    assert!(ev_text(&r, "ITS-03").contains("firewall.json"));
    put(&fs01, "firewall.json", json("False").as_bytes());
    run(&[&fs01], &p).expect("ITS-03", "fail");
}

const FW_GPO: &str = "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile]\n\"EnableFirewall\"=dword:00000001\n\"DefaultInboundAction\"=dword:00000001\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PrivateProfile]\n\"EnableFirewall\"=dword:00000001\n\"DefaultInboundAction\"=dword:00000001\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile]\n\"EnableFirewall\"=dword:00000001\n\"DefaultInboundAction\"=dword:00000001\n";

#[test]
fn one_broken_reg_file_is_named_and_does_not_drop_the_other_group_policy_data() {
    let (_d, fs01) = win_fixture("en-fs01");
    let p = profile();
    // Local firewall: public profile OFF; Group Policy: every profile on.
    put(&fs01, "firewall.txt", &utf16(&netsh_fr("Inactif")));
    put(&fs01, "registry/firewall-policy.reg", &utf16(FW_GPO));
    run(&[&fs01], &p).expect("ITS-03", "pass");
    // A broken usbstor.reg: the firewall policy is still read (ITS-03 passes
    // and lists the broken file); ITS-01 has no USBSTOR value left: error.
    put(&fs01, "registry/usbstor.reg", b"not a registry export\r\n");
    let r = run(&[&fs01], &p);
    r.expect("ITS-03", "pass");
    r.expect("ITS-01", "error");
    for id in ["ITS-01", "ITS-03", "ITS-05"] {
        assert!(
            ev_text(&r, id).contains("usbstor.reg"),
            "{id}: {}",
            ev_text(&r, id)
        );
    }
    // A broken file of unknown content may hold any Group Policy: the items
    // that read the registry cannot be sure, and say which file.
    std::fs::copy(
        "tests/fixtures/windows/en-fs01/registry/usbstor.reg",
        fs01.join("registry/usbstor.reg"),
    )
    .unwrap();
    put(
        &fs01,
        "registry/zz-extra.reg",
        b"Windows Registry Editor Version 5.00\r\n\r\n[HKLM\\X]\r\n\"A\"=dword:zz\r\n",
    );
    let r = run(&[&fs01], &p);
    r.expect("ITS-01", "pass"); // USBSTOR Start=4: no other value undoes it
    for id in ["ITS-03", "ITS-05"] {
        r.expect(id, "error");
        assert!(
            r.reason(id).contains("zz-extra.reg"),
            "{id}: {}",
            r.reason(id)
        );
    }
}

#[test]
fn acc03_a_proven_broad_read_beats_an_unreadable_export() {
    let (_d, fs01) = win_fixture("en-fs01");
    put(
        &fs01,
        "acl/Design.txt",
        &utf16(
            "D:\\Share\\Design Everyone:(OI)(CI)(F)\n                BUILTIN\\Administrators:(OI)(CI)(F)\n\nD:\\Share\\Design\\mold-17.dwg Everyone:(I)(F)\n\nSuccessfully processed 2 files; Failed processing 0 files\n",
        ),
    );
    put(&fs01, "acl/Other.txt", &utf16("    BUILTIN\\Users:(RX)\n"));
    let r = run(
        &[&fs01],
        &Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], ""),
    );
    r.expect("ACC-03", "fail");
    let e = ev_text(&r, "ACC-03");
    assert!(e.contains("Everyone") && e.contains("Other.txt"), "{e}");
    // Without the violation the unreadable export makes it an error.
    std::fs::copy(
        "tests/fixtures/windows/en-fs01/acl/Design.txt",
        fs01.join("acl/Design.txt"),
    )
    .unwrap();
    let r = run(
        &[&fs01],
        &Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], ""),
    );
    r.expect("ACC-03", "error");
}

#[test]
fn defender_as_pasted_list_and_smb1_from_the_server_configuration() {
    let (_d, fs01) = win_fixture("en-fs01");
    let p = profile();
    put(
        &fs01,
        "defender.json",
        b"AntivirusEnabled          : True\r\nRealTimeProtectionEnabled : False\r\n",
    );
    run(&[&fs01], &p).expect("ITS-08", "fail");
    // SMB server settings as JSON (the fixture) pass; pasted list with SMB1 on fails.
    put(
        &fs01,
        "smb-server.json",
        b"EnableSMB1Protocol              : True\r\nEnableSMB2Protocol              : True\r\n",
    );
    let r = run(&[&fs01], &p);
    r.expect("ITS-11", "fail");
    r.reason_has("ITS-11", "SMB1");
    // A file server without the SMB server evidence is an error, not "not applicable".
    std::fs::remove_file(fs01.join("smb-server.json")).unwrap();
    let r = run(&[&fs01], &p);
    r.expect("ITS-11", "error");
    r.reason_has("ITS-11", "smb-server.json");
    // A PC without shares and without the file is left out.
    std::fs::remove_file(fs01.join("smb-shares.csv")).unwrap();
    run(&[&fs01], &p).expect("ITS-11", "not_applicable");
}

#[test]
fn a_domain_member_needs_the_domain_password_policy() {
    let (_d, fs01) = win_fixture("en-fs01");
    let p = profile();
    put(
        &fs01,
        "host.json",
        br#"{"hostname": "FS01", "domain": "contoso.local"}"#,
    );
    let r = run(&[&fs01], &p);
    r.expect("ITS-10", "error");
    r.reason_has("ITS-10", "domain-password-policy.json");
    put(
        &fs01,
        "domain-password-policy.json",
        br#"{"domain": "contoso.local", "minPwdLength": 7}"#,
    );
    let r = run(&[&fs01], &p);
    r.expect("ITS-10", "fail");
    r.reason_has("ITS-10", "contoso.local");
    put(
        &fs01,
        "domain-password-policy.json",
        br#"{"domain": "contoso.local", "minPwdLength": 14}"#,
    );
    run(&[&fs01], &p).expect("ITS-10", "pass");
}

/// ACC-11 on Windows paths reads the icacls evidence like ACC-03, for write:
/// the fixture's design group may modify (not broad), so it passes; Everyone
/// with modify, or Domain Users with write, fails and each ACE is listed; a
/// deny or an inherit-only entry grants nothing; read alone is ACC-03's.
#[test]
fn acc11_finds_broad_write_aces_in_the_icacls_evidence() {
    let (_d, fs01) = win_fixture("en-fs01");
    let p = Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], "");
    let r = run(&[&fs01], &p);
    r.expect("ACC-11", "pass");
    r.reason_has("ACC-11", "no broad group");
    put(
        &fs01,
        "acl/Design.txt",
        &utf16(
            "D:\\Share\\Design\\Archive 2019 Everyone:(I)(OI)(CI)(M)\n                BUILTIN\\Users:(OI)(CI)(RX)\n                Everyone:(DENY)(W)\n                CREATOR OWNER:(OI)(CI)(IO)(F)\n\nD:\\Share\\Design\\mold-17.dwg CONTOSO\\Domain Users:(I)(W,RD)\n                            BUILTIN\\Users:(I)(RX)\n\nSuccessfully processed 2 files; Failed processing 0 files\n",
        ),
    );
    let r = run(&[&fs01], &p);
    r.expect("ACC-11", "fail");
    let ev = ev_text(&r, "ACC-11");
    assert!(
        ev.contains("Archive 2019: Everyone can write")
            && ev.contains("mold-17.dwg: CONTOSO\\\\Domain Users can write")
            && ev.contains("WIN-ACL-002"),
        "{ev}"
    );
    assert!(
        !ev.contains("BUILTIN\\\\Users can"),
        "read only is not write: {ev}"
    );
    assert_eq!(r.evidence("ACC-11").len(), 2, "{ev}");
    r.expect("ACC-03", "fail");
}

/// Each registry export named by a policy (`file:` / `policy_file:`) holds the
/// keys of one item: a broken one makes that item unsure, never another.
/// Every item that reads the registry still lists it in its evidence.
#[test]
fn a_broken_registry_export_of_one_item_leaves_the_other_items_verdicts() {
    let (_d, fs01) = win_fixture("en-fs01");
    let p = profile();
    let before = run(&[&fs01], &p);
    for id in ["ITS-01", "ITS-03", "ITS-05", "ITS-14"] {
        assert_ne!(before.status(id), "error", "{id}: {}", before.reason(id));
    }
    let broken = b"not a registry export\r\n";
    // (the broken export, the item whose policy names it)
    for (file, owner) in [
        ("firewall-policy.reg", "ITS-03"),
        ("eventlog-policy.reg", "ITS-05"),
        ("w32time-policy.reg", "ITS-14"),
        ("removable-storage-policy.reg", "ITS-01"),
    ] {
        put(&fs01, &format!("registry/{file}"), broken);
        let r = run(&[&fs01], &p);
        for id in ["ITS-01", "ITS-03", "ITS-05", "ITS-14"] {
            let shown = format!("{file} {id}: {}", r.reason(id));
            assert!(ev_text(&r, id).contains(file), "{shown}");
            // ITS-01's pass (USBSTOR Start=4) stands: no other value undoes it.
            let stands = id == "ITS-01" && before.status(id) == "pass";
            if id == owner && !stands {
                r.expect(id, "error");
                assert!(r.reason(id).contains(file), "{shown}");
            } else {
                assert_eq!(r.status(id), before.status(id), "{shown}");
            }
        }
        std::fs::remove_file(fs01.join("registry").join(file)).unwrap();
    }
}

/// The collector script writes the registry exports the policies name, no
/// more and no fewer, and the evidence guide tells users that collect by
/// hand each name: a rename in one place that misses the others would turn a
/// collected export into "missing", or another item's file into "unsure".
#[test]
fn the_collector_and_the_guide_name_the_registry_exports_the_policies_read() {
    let mut named: Vec<String> = Vec::new();
    for p in &timaudit::catalogue::policies::Policies::builtin().all {
        named.extend(p.check.registry_exports().into_iter().map(str::to_string));
    }
    named.sort();
    let script = std::fs::read_to_string(COLLECTOR).unwrap();
    let start = script
        .find("$keys = [ordered]@{")
        .expect("the registry key table");
    let table = &script[start..start + script[start..].find('}').unwrap()];
    let entry = regex::Regex::new(r"(?m)^\s*'([^']+\.reg)'\s*=").unwrap();
    let dir = timaudit::collect::host::windows::registry_dir();
    let mut written: Vec<String> = entry
        .captures_iter(table)
        .map(|c| format!("{dir}/{}", &c[1]))
        .collect();
    written.sort();
    assert_eq!(
        written, named,
        "scripts/collect-windows-evidence.ps1 vs policies"
    );
    assert!(
        script.contains(&format!("Join-Path $OutDir '{dir}'")),
        "{dir}"
    );
    let guide = std::fs::read_to_string("docs/windows-evidence.md").unwrap();
    for f in &named {
        assert!(
            guide.contains(&format!("| `{f}` |")),
            "docs/windows-evidence.md lacks {f}"
        );
    }
}

/// ACC-03 and ACC-11 with a file share and Windows evidence together: the
/// verdict is the worse of the two halves, both are in the evidence, and the
/// Windows half is in the reason when it fails or when everything passes.
#[test]
fn acc03_and_acc11_combine_the_share_walk_with_the_windows_evidence() {
    use std::os::unix::fs::PermissionsExt;
    let (_d, fs01) = win_fixture("en-fs01");
    let t = Tree::new();
    t.file("/srv/share/design/a.dwg", "a");
    let a = t.root().join("srv/share/design/a.dwg");
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o640)).unwrap();
    let p = Profile::new(
        &[
            ("W-001", &["D:\\Share\\Design\\**"]),
            ("T-001", &["/srv/share/design/**"]),
        ],
        "",
    );
    let ev = ["--evidence", fs01.to_str().unwrap()];
    let r = audit(Some(t.root()), &p, &ev);
    for (id, shares, win) in [
        ("ACC-03", "protected file", "Windows: no broad group"),
        (
            "ACC-11",
            "no protected file or folder is writable by everyone",
            "Windows: no broad group",
        ),
    ] {
        r.expect(id, "pass");
        let why = r.reason(id);
        assert!(why.contains(shares) && why.contains(win), "{id}: {why}");
    }
    // The share half fails (everyone may read and write a.dwg): a fail naming
    // the file; the Windows pass is not mixed into the reason.
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o646)).unwrap();
    let r = audit(Some(t.root()), &p, &ev);
    for id in ["ACC-03", "ACC-11"] {
        r.expect(id, "fail");
        let why = r.reason(id);
        assert!(!why.contains("Windows"), "{id}: {why}");
        assert!(
            !r.evidence_at(id, "/srv/share/design/a.dwg").is_empty(),
            "{id}"
        );
    }
    // Windows fails too: both halves are in the reason and the evidence.
    put(
        &fs01,
        "acl/Design.txt",
        &utf16(
            "D:\\Share\\Design\\mold-17.dwg Everyone:(I)(M)\n\nSuccessfully processed 1 files; Failed processing 0 files\n",
        ),
    );
    let r = audit(Some(t.root()), &p, &ev);
    for (id, can) in [("ACC-03", "can read"), ("ACC-11", "can write")] {
        r.expect(id, "fail");
        let why = r.reason(id);
        assert!(why.contains("Windows: "), "{id}: {why}");
        assert!(
            !r.evidence_at(id, "/srv/share/design/a.dwg").is_empty(),
            "{id}"
        );
        assert!(
            ev_text(&r, id).contains(&format!("mold-17.dwg: Everyone {can}")),
            "{id}: {}",
            ev_text(&r, id)
        );
    }
}

/// Files icacls could not read (its summary's "Failed processing N files")
/// make ACC-03 an error naming the summary line: their access is unknown.
#[test]
fn acc03_files_icacls_could_not_read_are_an_error() {
    let (_d, fs01) = win_fixture("en-fs01");
    let p = Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], "");
    run(&[&fs01], &p).expect("ACC-03", "pass");
    put(
        &fs01,
        "acl/Design.txt",
        &utf16(
            "D:\\Share\\Design CONTOSO\\design:(OI)(CI)(M)\n                BUILTIN\\Administrators:(OI)(CI)(F)\n\nD:\\Share\\Design\\mold-17.dwg CONTOSO\\design:(I)(M)\n\nD:\\Share\\Design\\locked.dwg: Access is denied.\nSuccessfully processed 2 files; Failed processing 1 files\n",
        ),
    );
    let r = run(&[&fs01], &p);
    r.expect("ACC-03", "error");
    let why = r.reason("ACC-03");
    assert!(why.contains("icacls could not read 1 files"), "{why}");
    assert!(ev_text(&r, "ACC-03").contains("locked.dwg"));
}
