//! ITS-08 — malware protection in place.

use crate::rules::kit::host::*;
use crate::tr;

pub fn its08(ctx: &Context) -> Outcome {
    per_host(
        ctx,
        |lx| Verdict::Decided(linux(lx)),
        |w| Verdict::Decided(windows(w)),
    )
}

pub fn linux(lx: &LinuxFacts) -> Outcome {
    let id = "LNX-AV-001";
    let (_, Check::Freshclam { service, .. }) = check_of(id) else {
        return Outcome::error(Text::same("policy LNX-AV-001 is broken"));
    };
    let c = match &lx.clamav {
        Err(e) => return Outcome::error(e.text()).with([e.evidence()]),
        Ok(c) => c,
    };
    let Some(f) = &c.freshclam else {
        return Outcome::fail(Text::new(
            "ウイルス対策（ClamAV の freshclam）の設定が見つかりません",
            "no malware protection found (no ClamAV freshclam configuration)",
        ))
        .with([note(
            "/etc/clamav/freshclam.conf",
            Text::new("なし", "absent"),
        )]);
    };
    let conf = file_ev(
        f,
        id,
        Text::new("freshclam の設定", "freshclam configuration"),
    );
    if let Some(l) = &c.example_line {
        return Outcome::fail(tr!(
            "freshclam の設定に Example の行が残っており（{}）、定義ファイルが更新されません",
            "the freshclam configuration still has the Example line ({}), so signatures are never updated",
            l.at()
        ))
        .with([line_ev(l, id, Text::new("この行を削除するまで freshclam は動きません", "freshclam refuses to run until this line is removed"))]);
    }
    if lx.units.is_enabled(service) {
        Outcome::pass(tr!(
            "ClamAV が設定され、{service} が定義ファイルを自動更新します",
            "ClamAV is configured and {service} updates its signatures"
        ))
        .with([conf, lx.units.evidence(service)])
    } else {
        Outcome::fail(tr!(
            "ClamAV の設定はありますが、{service} が有効ではありません",
            "ClamAV is configured but {service} is not enabled"
        ))
        .with([conf, lx.units.evidence(service)])
    }
}

pub fn windows(w: &WindowsHost) -> Outcome {
    let id = "WIN-AV-001";
    let (_, Check::DefenderStatus { file, property }) = check_of(id) else {
        return Outcome::error(Text::same("policy WIN-AV-001 is broken"));
    };
    let d = match &w.defender {
        None => return win_missing(w, file, id),
        Some(Err(e)) => return Outcome::error(e.text()).with([e.evidence()]),
        Some(Ok(d)) => d,
    };
    match d.bool(property) {
        Some((true, l)) => Outcome::pass(Text::new("Microsoft Defender のリアルタイム保護がオンです", "Microsoft Defender real-time protection is on"))
            .with([line_ev(l, id, Text::same(format!("{property}: true")))]),
        Some((false, l)) => Outcome::fail(Text::new("Microsoft Defender のリアルタイム保護がオフです", "Microsoft Defender real-time protection is off"))
            .with([line_ev(l, id, Text::same(format!("{property}: false")))]),
        None => Outcome::fail(match d.str("error") {
            Some((e, _)) => tr!(
                "Microsoft Defender の状態を取得できませんでした（{e}）。他社製品を使っている場合は免除（waiver）として記録してください",
                "Microsoft Defender's status could not be read ({e}); if another product protects this PC, record a waiver"
            ),
            None => tr!(
                "{file} に {property} がありません（Defender が動いていない可能性があります）",
                "{file} has no {property} (Defender may not be running)"
            ),
        })
        .with([Evidence::new(EvidenceKind::Windows).path(w.file_path(file)).detail(pol(id, Text::new("値がありません", "value missing")))]),
    }
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its08, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its08(ctx)
}
