//! PAM configuration lines (pam.d(5)): `TYPE CONTROL MODULE ARGS…`, `#` comments,
//! `\` continuations, `[ … ]` groups; a leading `-` on the type means "skip if the
//! module is missing". Shared by the password-quality, lockout and umask readers.

use super::super::lex::Lexer;

/// One line of a PAM file of the wanted type.
pub struct PamLine {
    /// 1-based line number (of the first physical line).
    pub n: usize,
    /// The logical line as written (continuations joined).
    pub text: String,
    /// The module's file name (`pam_faillock.so` for `/lib/security/pam_faillock.so`).
    pub module: String,
    /// The module's arguments.
    pub args: Vec<String>,
}

/// The lines of `text` whose type is `kind` (`auth`, `session`, `password` …).
pub fn lines(text: &str, kind: &str) -> Vec<PamLine> {
    let mut out = Vec::new();
    for (n, l) in crate::collect::host::conf::join_continuations(text) {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        // PAM's `[ … ]` groups a control or argument; an unterminated one is
        // split on whitespace (the line is then checked word by word).
        let mut w = Lexer::PAM
            .words(t)
            .unwrap_or_else(|_| t.split_whitespace().map(str::to_string).collect());
        if w.len() < 3 || w[0].trim_start_matches('-') != kind {
            continue;
        }
        let args = w.split_off(3);
        let module = w[2].rsplit('/').next().unwrap_or("").to_string();
        out.push(PamLine {
            n,
            text: l,
            module,
            args,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_of_one_type_with_module_names_and_arguments() {
        let text = "# comment\nauth required pam_env.so\n-auth [default=die] /lib/security/pam_faillock.so \\\n  authfail deny=4\nsession optional pam_umask.so umask=027\naccount x\n";
        let auth = super::lines(text, "auth");
        assert_eq!(auth.len(), 2);
        assert_eq!((auth[0].n, auth[0].module.as_str()), (2, "pam_env.so"));
        assert_eq!((auth[1].n, auth[1].module.as_str()), (3, "pam_faillock.so"));
        assert_eq!(auth[1].args, ["authfail", "deny=4"]);
        let s = super::lines(text, "session");
        assert_eq!((s.len(), s[0].args[0].as_str()), (1, "umask=027"));
        assert!(super::lines(text, "password").is_empty());
    }
}
