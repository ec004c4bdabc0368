//! ACC-09 — using administrator rights needs the user's own authentication.
//! Definition and texts: checklists/tim-selfcheck.yaml (ACC-09); policy
//! LNX-SUD-001 (policies/accounts.yaml).

use crate::collect::host::linux::sudoers::{NoPassword, NoPasswordWhy};
use crate::rules::kit::host::*;
use crate::tr;

const LNX: &str = "LNX-SUD-001";

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc09, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    per_host(ctx, linux, |_| {
        Verdict::NoSource(Text::new(
            "Windows の証跡に sudo に当たる設定はありません",
            "Windows evidence has no settings for this item",
        ))
    })
}

pub fn linux(lx: &LinuxFacts) -> Verdict {
    let s = match &lx.sudoers {
        None => {
            return Verdict::NoSource(Text::new(
                "sudoers がありません（sudo がありません）",
                "there is no sudoers file (no sudo)",
            ));
        }
        Some(Err(e)) => return Verdict::Decided(Outcome::error(e.text()).with([e.evidence()])),
        Some(Ok(s)) => s,
    };
    let mut parts: Vec<Alt> = s.nopasswd.iter().map(no_password).collect();
    parts.extend(
        s.other_password
            .iter()
            .map(|(name, l)| other_password(name, l)),
    );
    let rules = s.rules;
    let mut o = all_of(
        parts,
        tr!(
            "sudo の規則 {rules} 件はすべて本人のパスワードを求めます",
            "all {rules} sudo rules ask for the user's own password"
        ),
    );
    if o.status == Status::Pass {
        o.evidence.extend(s.files.iter().map(|f| {
            file_ev(
                f,
                LNX,
                tr!(
                    "NOPASSWD・!authenticate なし",
                    "no NOPASSWD, no !authenticate"
                ),
            )
        }));
    }
    Verdict::Decided(o)
}

/// A rule that runs without a password: fails when it allows every command
/// or a shell, partial otherwise.
fn no_password(n: &NoPassword) -> Alt {
    let (users, cmd) = (&n.users, &n.command);
    let how = match &n.why {
        NoPasswordWhy::Tag => Text::new("NOPASSWD", "NOPASSWD"),
        NoPasswordWhy::Defaults(l) => tr!("{} の !authenticate", "!authenticate at {}", l.at()),
    };
    let at = n.line.at();
    let (status, reason) = if n.broad {
        (
            Status::Fail,
            Text::new(
                format!(
                    "{at}：{users} はパスワードなしで {cmd}（すべてのコマンドまたはシェル）を管理者として実行できます（{}）",
                    how.ja
                ),
                format!(
                    "{at}: {users} can run {cmd} (every command or a shell) as administrator without a password ({})",
                    how.en
                ),
            ),
        )
    } else {
        (
            Status::Partial,
            Text::new(
                format!(
                    "{at}：{users} はパスワードなしで {cmd} を実行できます（{}）",
                    how.ja
                ),
                format!(
                    "{at}: {users} can run {cmd} without a password ({})",
                    how.en
                ),
            ),
        )
    };
    let alt = Alt::new(status, reason.clone()).ev(line_ev(&n.line, LNX, reason));
    match &n.why {
        NoPasswordWhy::Defaults(l) => alt.ev(line_ev(
            l,
            LNX,
            Text::new("パスワードを求めない設定", "turns password prompts off"),
        )),
        NoPasswordWhy::Tag => alt,
    }
}

/// A Defaults `name` that makes sudo ask for another account's password.
fn other_password(name: &str, l: &Line) -> Alt {
    Alt::new(
        Status::Partial,
        tr!(
            "{} の Defaults {name} により、sudo は本人ではなく root などのパスワードを求めます（共有のパスワードになります）",
            "Defaults {name} at {}: sudo asks for root's or the target's password, not the user's own (a shared password)",
            l.at()
        ),
    )
    .ev(line_ev(l, LNX, tr!("Defaults {name}", "Defaults {name}")))
}
