//! OpenSSH signatures (`SSHSIG`, as `ssh-keygen -Y sign` writes them) for the
//! evidence bundle's manifest and the watch log's checkpoints, with the keys
//! administrators already have. The cryptography is RustCrypto's `ssh-key`; this
//! module only loads keys, reads `allowed_signers` files and says what it found.
//!
//! Every signature uses the namespace `timaudit`. A bundle's signature covers
//! `MANIFEST.sha256` byte for byte (so `ssh-keygen -Y verify … -n timaudit`
//! checks it); a watch-log checkpoint covers a message that starts with
//! `timaudit-watch-checkpoint`, which no manifest line can start with, so one
//! can never pass for the other.

use crate::i18n::Text;
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};
use std::io::Read;
use std::path::{Path, PathBuf};

pub const NAMESPACE: &str = "timaudit";
/// The environment variable holding the passphrase of an encrypted `--sign-key`.
pub const PASSPHRASE_ENV: &str = "TIMAUDIT_SIGN_PASSPHRASE";
/// Key files, signatures and allowed_signers files are small: anything larger
/// is refused rather than read whole.
const MAX_KEY_FILE: u64 = 1 << 20;

/// Reads a small regular file (never blocking on a FIFO or device). A link is
/// followed: these are the user's own files, named on the command line.
pub fn read_small(path: &Path) -> Result<Vec<u8>, Text> {
    use std::os::unix::fs::OpenOptionsExt;
    let p = path.display();
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| crate::tr!("{p} を読めません: {e}", "cannot read {p}: {e}"))?;
    let meta = f
        .metadata()
        .map_err(|e| crate::tr!("{p} を読めません: {e}", "cannot read {p}: {e}"))?;
    if !meta.is_file() {
        return Err(crate::tr!(
            "{p} は通常のファイルではありません",
            "{p} is not a regular file"
        ));
    }
    if meta.len() > MAX_KEY_FILE {
        return Err(crate::tr!(
            "{p} は大きすぎます（1 MiB まで）",
            "{p} is too large (at most 1 MiB)"
        ));
    }
    let mut bytes = Vec::new();
    f.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| crate::tr!("{p} を読めません: {e}", "cannot read {p}: {e}"))?;
    Ok(bytes)
}

/// Where the signing key is.
enum Key {
    /// A private key file (decrypted in memory).
    File(Box<PrivateKey>),
    /// A key held by ssh-agent (`SSH_AUTH_SOCK`), named by its public key.
    Agent { socket: PathBuf, public: PublicKey },
}

/// The key of `--sign-key`: a private key file, or a public key whose private
/// half ssh-agent holds (as `ssh-keygen -Y sign -f KEY.pub` uses the agent).
pub struct Signer {
    key: Key,
    path: PathBuf,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({}, {})", self.path.display(), self.fingerprint())
    }
}

impl Signer {
    /// Loads `--sign-key`: an OpenSSH private key file (an encrypted one is
    /// decrypted with the passphrase in `TIMAUDIT_SIGN_PASSPHRASE`), or a public
    /// key (`.pub`) whose private key is in ssh-agent.
    pub fn load(path: &Path) -> Result<Signer, Text> {
        let p = path.display();
        let bytes = read_small(path)?;
        let key = match PrivateKey::from_openssh(&bytes) {
            Ok(k) => Key::File(Box::new(decrypted(k, path)?)),
            Err(e) => match PublicKey::from_openssh(String::from_utf8_lossy(&bytes).trim()) {
                Ok(public) => agent_key(public, path)?,
                Err(_) => {
                    return Err(crate::tr!(
                        "--sign-key {p} は OpenSSH の鍵として読めません（ssh-keygen で作った秘密鍵ファイル、例 ~/.ssh/id_ed25519、または ssh-agent に入っている鍵の .pub を指定します）: {e}",
                        "--sign-key {p} is not an OpenSSH key (give the private key file ssh-keygen wrote, e.g. ~/.ssh/id_ed25519, or the .pub of a key held by ssh-agent): {e}"
                    ));
                }
            },
        };
        let signer = Signer {
            key,
            path: path.to_path_buf(),
        };
        // A key that cannot sign is refused now, before any work.
        signer.sign(b"timaudit key check").map_err(|e| {
            crate::tr!(
                "--sign-key {p} では署名できません: {e}",
                "cannot sign with --sign-key {p}: {e}"
            )
        })?;
        Ok(signer)
    }

    /// [`Signer::load`] when a key is given.
    pub fn load_opt(path: Option<&Path>) -> Result<Option<Signer>, Text> {
        path.map(Signer::load).transpose()
    }

    /// A fixed Ed25519 key for unit tests (no file, no randomness).
    #[cfg(test)]
    pub(crate) fn for_tests(seed: u8) -> Signer {
        let kp = ssh_key::private::Ed25519Keypair::from_seed(&[seed; 32]);
        Signer {
            key: Key::File(Box::new(PrivateKey::from(kp))),
            path: PathBuf::from("test-key"),
        }
    }

    fn public(&self) -> &PublicKey {
        match &self.key {
            Key::File(k) => k.public_key(),
            Key::Agent { public, .. } => public,
        }
    }

    /// `SHA256:…` as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        self.public().fingerprint(HashAlg::Sha256).to_string()
    }

    /// The public key in `authorized_keys` form (for an allowed_signers line).
    pub fn public_openssh(&self) -> String {
        self.public().to_openssh().unwrap_or_default()
    }

    /// An armored SSHSIG (`-----BEGIN SSH SIGNATURE-----`) over `msg`.
    pub fn sign(&self, msg: &[u8]) -> Result<String, String> {
        match &self.key {
            Key::File(k) => k
                .sign(NAMESPACE, HashAlg::Sha512, msg)
                .and_then(|s| s.to_pem(LineEnding::LF))
                .map_err(|e| e.to_string()),
            Key::Agent { socket, public } => agent_sign(socket, public, msg),
        }
    }
}

/// A private key, decrypted with `TIMAUDIT_SIGN_PASSPHRASE` when it is encrypted.
fn decrypted(key: PrivateKey, path: &Path) -> Result<PrivateKey, Text> {
    if !key.is_encrypted() {
        return Ok(key);
    }
    let p = path.display();
    let Ok(pass) = std::env::var(PASSPHRASE_ENV) else {
        return Err(crate::tr!(
            "--sign-key {p} はパスフレーズで暗号化されています。パスフレーズを環境変数 {PASSPHRASE_ENV} に入れるか、鍵を ssh-agent に入れて --sign-key {p}.pub を指定してください",
            "--sign-key {p} is encrypted with a passphrase; put the passphrase in the environment variable {PASSPHRASE_ENV}, or add the key to ssh-agent and give --sign-key {p}.pub"
        ));
    };
    key.decrypt(pass.as_bytes()).map_err(|e| {
        crate::tr!(
            "--sign-key {p} を {PASSPHRASE_ENV} のパスフレーズで復号できません: {e}",
            "cannot decrypt --sign-key {p} with the passphrase in {PASSPHRASE_ENV}: {e}"
        )
    })
}

/// The agent's key matching `public`.
fn agent_key(public: PublicKey, path: &Path) -> Result<Key, Text> {
    let p = path.display();
    let Some(socket) = std::env::var_os("SSH_AUTH_SOCK").map(PathBuf::from) else {
        return Err(crate::tr!(
            "--sign-key {p} は公開鍵です。秘密鍵ファイルを指定するか、秘密鍵を ssh-agent に入れて SSH_AUTH_SOCK を設定してください",
            "--sign-key {p} is a public key; give the private key file, or add the private key to ssh-agent and set SSH_AUTH_SOCK"
        ));
    };
    let held = ssh_agent_client_rs::Client::connect(&socket)
        .and_then(|mut c| c.list_all_identities())
        .map_err(|e| {
            let s = socket.display();
            crate::tr!(
                "ssh-agent（{s}）に接続できません: {e}",
                "cannot reach ssh-agent at {s}: {e}"
            )
        })?;
    let held_here = |i: &ssh_agent_client_rs::Identity| {
        let k: &ssh_key::public::KeyData = i.into();
        k == public.key_data()
    };
    if !held.iter().any(held_here) {
        let fp = public.fingerprint(HashAlg::Sha256);
        return Err(crate::tr!(
            "ssh-agent に --sign-key {p} の鍵（{fp}）が入っていません（ssh-add で追加してください）",
            "ssh-agent does not hold the key of --sign-key {p} ({fp}); add it with ssh-add"
        ));
    }
    Ok(Key::Agent { socket, public })
}

/// An armored SSHSIG made by ssh-agent.
fn agent_sign(socket: &Path, public: &PublicKey, msg: &[u8]) -> Result<String, String> {
    let data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, msg).map_err(|e| e.to_string())?;
    let mut client = ssh_agent_client_rs::Client::connect(socket).map_err(|e| e.to_string())?;
    let sig = client
        .sign(public, &data)
        .map_err(|e| format!("ssh-agent: {e}"))?;
    SshSig::new(public.key_data().clone(), NAMESPACE, HashAlg::Sha512, sig)
        .and_then(|s| s.to_pem(LineEnding::LF))
        .map_err(|e| e.to_string())
}

/// One usable line of an allowed_signers file.
#[derive(Clone, Debug)]
pub struct AllowedSigner {
    pub principals: String,
    pub key: PublicKey,
    /// `namespaces="…"`: the signature's namespace must be one of them.
    pub namespaces: Option<Vec<String>>,
    pub line: usize,
}

/// An allowed_signers file (`ssh-keygen(1)`, ALLOWED SIGNERS).
#[derive(Clone, Debug, Default)]
pub struct AllowedSigners {
    pub signers: Vec<AllowedSigner>,
    /// Lines not used, with the reason (options this tool does not evaluate,
    /// such as `cert-authority` or `valid-before`: such a key never verifies
    /// here, so nothing passes that ssh-keygen would refuse).
    pub skipped: Vec<(usize, String)>,
}

/// The options word of a line: `namespaces` is kept, anything else makes the
/// line unusable (`Err` with the option).
fn parse_options(opts: &str) -> Result<Option<Vec<String>>, String> {
    let mut namespaces = None;
    for opt in opts.split(',').scan(String::new(), |acc, part| {
        // Commas inside quotes belong to the option's value.
        acc.push_str(part);
        if acc.matches('"').count() % 2 == 1 {
            acc.push(',');
            Some(None)
        } else {
            Some(Some(std::mem::take(acc)))
        }
    }) {
        let Some(opt) = opt else { continue };
        let (name, value) = opt.split_once('=').unwrap_or((opt.as_str(), ""));
        match name.to_ascii_lowercase().as_str() {
            "namespaces" => {
                let v = value.trim_matches('"');
                namespaces = Some(v.split(',').map(|s| s.trim().to_string()).collect());
            }
            other => return Err(other.to_string()),
        }
    }
    Ok(namespaces)
}

impl AllowedSigners {
    pub fn load(path: &Path) -> Result<AllowedSigners, Text> {
        let bytes = read_small(path)?;
        Ok(AllowedSigners::parse(&String::from_utf8_lossy(&bytes)))
    }

    pub fn parse(text: &str) -> AllowedSigners {
        let mut out = AllowedSigners::default();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // Words split at whitespace; double quotes group (`namespaces="a,b"`).
            let w = crate::collect::host::lex::raw_words(line);
            if w.len() < 3 {
                out.skipped
                    .push((n, "not `PRINCIPALS [OPTIONS] KEYTYPE KEY`".into()));
                continue;
            }
            // The key type is the second word, or the third after options.
            let (opts, key_at) = if PublicKey::from_openssh(&format!("{} {}", w[1], w[2])).is_ok() {
                (None, 1)
            } else {
                (Some(w[1].as_str()), 2)
            };
            let namespaces = match opts.map(parse_options).transpose() {
                Ok(ns) => ns.flatten(),
                Err(opt) => {
                    out.skipped
                        .push((n, format!("option `{opt}` is not evaluated by timaudit")));
                    continue;
                }
            };
            let Some(key) = w
                .get(key_at + 1)
                .and_then(|b| PublicKey::from_openssh(&format!("{} {b}", w[key_at])).ok())
            else {
                out.skipped
                    .push((n, "no public key that can be read".into()));
                continue;
            };
            out.signers.push(AllowedSigner {
                principals: w[0].clone(),
                key,
                namespaces,
                line: n,
            });
        }
        out
    }

    /// The lines whose key made `sig` and that allow its namespace.
    fn matching(&self, sig: &SshSig) -> Vec<&AllowedSigner> {
        self.signers
            .iter()
            .filter(|s| s.key.key_data() == sig.public_key())
            .filter(|s| {
                s.namespaces
                    .as_ref()
                    .is_none_or(|ns| ns.iter().any(|n| n == "*" || n == sig.namespace()))
            })
            .collect()
    }
}

/// A signature that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// `SHA256:…` of the signing key.
    pub fingerprint: String,
    /// The allowed_signers principals of that key (empty when no file was given).
    pub principals: Vec<String>,
}

/// Why a signature was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not an SSHSIG signature at all.
    Unreadable(String),
    /// Made for another purpose (`-n` other than timaudit).
    Namespace(String),
    /// Made by a key that the allowed_signers file does not list.
    UnknownKey(String),
    /// The content signed is not the content given.
    Mismatch(String),
}

impl Refused {
    pub fn text(&self) -> Text {
        match self {
            Refused::Unreadable(e) => crate::tr!(
                "署名ファイルとして読めません: {e}",
                "not an SSH signature: {e}"
            ),
            Refused::Namespace(ns) => crate::tr!(
                "署名の用途（namespace）が {ns} で、{NAMESPACE} ではありません",
                "the signature's namespace is {ns}, not {NAMESPACE}"
            ),
            Refused::UnknownKey(fp) => crate::tr!(
                "署名した鍵 {fp} は allowed_signers に（namespace {NAMESPACE} で）登録されていません",
                "the signing key {fp} is not listed in allowed_signers (for namespace {NAMESPACE})"
            ),
            Refused::Mismatch(fp) => crate::tr!(
                "署名（鍵 {fp}）が内容と一致しません。署名の後に内容が変えられています",
                "the signature (key {fp}) does not match the content: it was changed after it was signed"
            ),
        }
    }
}

/// Checks an armored SSHSIG over `msg`. With `signers`, the key must be listed
/// there for namespace `timaudit` (as `ssh-keygen -Y verify -f` checks); without,
/// only that the signature is sound for the key it names — which proves nothing
/// about who signed, so callers say so.
pub fn verify(
    armored: &[u8],
    msg: &[u8],
    signers: Option<&AllowedSigners>,
) -> Result<Signed, Refused> {
    let sig = SshSig::from_pem(armored).map_err(|e| Refused::Unreadable(e.to_string()))?;
    let fingerprint = ssh_key::Fingerprint::new(HashAlg::Sha256, sig.public_key()).to_string();
    if sig.namespace() != NAMESPACE {
        return Err(Refused::Namespace(sig.namespace().to_string()));
    }
    let principals = match signers {
        Some(s) => {
            let m = s.matching(&sig);
            if m.is_empty() {
                return Err(Refused::UnknownKey(fingerprint));
            }
            m.iter().map(|s| s.principals.clone()).collect()
        }
        None => Vec::new(),
    };
    PublicKey::new(sig.public_key().clone(), "")
        .verify(NAMESPACE, msg, &sig)
        .map_err(|_| Refused::Mismatch(fingerprint.clone()))?;
    Ok(Signed {
        fingerprint,
        principals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PrivateKey {
        // A fixed seed: the test needs no randomness, only a real key.
        let kp = ssh_key::private::Ed25519Keypair::from_seed(&[7u8; 32]);
        PrivateKey::from(kp)
    }

    #[test]
    fn a_signature_verifies_only_for_its_content_and_a_listed_key() {
        let s = Signer {
            key: Key::File(Box::new(key())),
            path: PathBuf::from("k"),
        };
        let sig = s.sign(b"manifest").unwrap();
        let line = format!("auditor@example.jp {}", s.public_openssh());
        let allowed = AllowedSigners::parse(&line);
        let ok = verify(sig.as_bytes(), b"manifest", Some(&allowed)).unwrap();
        assert_eq!(ok.principals, vec!["auditor@example.jp".to_string()]);
        assert_eq!(ok.fingerprint, s.fingerprint());
        assert!(matches!(
            verify(sig.as_bytes(), b"manifesT", Some(&allowed)),
            Err(Refused::Mismatch(_))
        ));
        let other = AllowedSigners::parse(
            "someone ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
        );
        assert!(matches!(
            verify(sig.as_bytes(), b"manifest", Some(&other)),
            Err(Refused::UnknownKey(_))
        ));
        assert!(matches!(
            verify(b"garbage", b"manifest", None),
            Err(Refused::Unreadable(_))
        ));
    }

    #[test]
    fn allowed_signers_options_are_honoured_or_the_line_is_not_used() {
        let s = Signer {
            key: Key::File(Box::new(key())),
            path: PathBuf::from("k"),
        };
        let pk = s.public_openssh();
        let sig = s.sign(b"m").unwrap();
        let file = format!(
            "# comment\n\
             a@x namespaces=\"git,file\" {pk}\n\
             b@x,c@x namespaces=\"git,timaudit\" {pk} comment here\n\
             d@x cert-authority {pk}\n\
             e@x valid-before=\"20300101\" {pk}\n"
        );
        let allowed = AllowedSigners::parse(&file);
        assert_eq!(allowed.signers.len(), 2);
        assert_eq!(
            allowed.skipped.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            vec![4, 5]
        );
        let ok = verify(sig.as_bytes(), b"m", Some(&allowed)).unwrap();
        assert_eq!(ok.principals, vec!["b@x,c@x".to_string()]);
    }
}
