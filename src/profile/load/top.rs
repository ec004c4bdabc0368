//! The profile's top level and its small sections: `version`, `organization`,
//! `scope`, `markers`, `administrator`, `approval`, `thresholds`, and the
//! cross-checks between sections.

use super::{Decoder, Fields, MAX_THRESHOLD_DAYS};
use crate::profile::model::*;
use crate::tr;
use crate::yaml::Node;
use std::collections::HashSet;

impl Decoder<'_> {
    pub(super) fn profile(&mut self, root: &Node, p: &mut Profile) {
        const TOP: &[&str] = &[
            "version",
            "organization",
            "scope",
            "markers",
            "assets",
            "people",
            "people_file",
            "training",
            "training_file",
            "administrator",
            "documents",
            "reviews",
            "records",
            "answers",
            "approval",
            "thresholds",
        ];
        if root.is_null() {
            self.err(
                root.pos,
                tr!(
                    "プロファイルが空です（`timaudit init` で雛形を作れます）",
                    "the profile is empty (run `timaudit init` for a starter)"
                ),
            );
            return;
        }
        let Some(f) = self.fields(root, "profile", TOP) else {
            return;
        };
        self.version(&f, p);
        match f.get("organization") {
            Some(n) => self.organization(n, p),
            None => self.err(
                root.pos,
                tr!(
                    "profile: `organization`（とその `name`）は必須です",
                    "profile: `organization` (with its `name`) is required"
                ),
            ),
        }
        if let Some(n) = f.get("scope") {
            self.scope(n, p);
        }
        if f.has("markers") {
            p.markers = self.markers(&f);
        }
        if let Some(n) = f.get("assets") {
            self.assets(n, p);
        }
        self.people(&f, p);
        self.training(&f, p);
        if let Some(n) = f.get("administrator") {
            self.administrator(n, p);
        }
        if let Some(n) = f.get("documents") {
            self.documents(n, p);
        }
        if let Some(n) = f.get("reviews") {
            self.reviews(n, p);
        }
        if let Some(n) = f.get("records") {
            self.records(n, p);
        }
        if let Some(n) = f.get("answers") {
            self.answers(n, p);
        }
        if let Some(n) = f.get("approval") {
            self.approval(n, p);
        }
        if let Some(n) = f.get("thresholds") {
            self.thresholds(n, p);
        }
        self.cross_checks(p);
    }

    /// `version`: 1, the only one this timaudit reads (1 when not given).
    fn version(&mut self, f: &Fields, p: &mut Profile) {
        match f.get("version") {
        Some(n) => match self.uint(n, "version") {
            Some(1) => p.version = 1,
            Some(v) => self.err(
                n.pos,
                tr!(
                    "version: この timaudit が読めるのはプロファイルの version 1 です（書かれている値: {v}）",
                    "version: this timaudit reads profile version 1, not {v}"
                ),
            ),
            None => {}
        },
        None => p.version = 1,
    }
    }

    /// `markers`: the words that mark a file as protected (none empty).
    fn markers(&mut self, f: &Fields) -> Vec<String> {
        let Some(n) = f.get("markers") else {
            return Vec::new();
        };
        let mut v = Vec::new();
        for (m, pos) in self.strings(n, "markers") {
            if m.is_empty() {
                self.err(
                    pos,
                    tr!(
                        "markers: 空のマーカーは使えません",
                        "markers: a marker must not be empty"
                    ),
                );
            } else {
                v.push(m);
            }
        }
        v
    }

    pub(super) fn organization(&mut self, n: &Node, p: &mut Profile) {
        let Some(f) = self.fields(
            n,
            "organization",
            &["name", "previous_names", "certification"],
        ) else {
            return;
        };
        p.organization.previous_names = self.opt_strings(&f, "previous_names", "organization");
        match self.opt_string(&f, "name", "organization") {
            Some(name) => p.organization.name = name,
            None => self.err(
                n.pos,
                tr!(
                    "organization: `name`（組織名）は必須です",
                    "organization: `name` is required"
                ),
            ),
        }
        if let Some(c) = f.get("certification") {
            let ctx = "organization.certification";
            if let Some(cf) = self.fields(c, ctx, &["body", "certificate_id", "certified_on"]) {
                p.organization.certification = Some(Certification {
                    body: self.opt_string(&cf, "body", ctx),
                    certificate_id: self.opt_string(&cf, "certificate_id", ctx),
                    certified_on: self.opt_date(&cf, "certified_on", ctx),
                });
            }
        }
    }

    pub(super) fn scope(&mut self, n: &Node, p: &mut Profile) {
        let Some(f) = self.fields(n, "scope", &["shares", "exclude", "content_scan_bytes"]) else {
            return;
        };
        if let Some(s) = f.get("shares") {
            for (share, pos) in self.strings(s, "scope.shares") {
                if !share.starts_with('/') {
                    self.err(
                        pos,
                        tr!(
                            "scope.shares: `{share}` はホスト上の絶対パス（/srv/share のように / で始まる形）で書いてください",
                            "scope.shares: `{share}` must be an absolute host path (like /srv/share)"
                        ),
                    );
                } else {
                    p.scope.shares.push(share);
                }
            }
        }
        if let Some(s) = f.get("exclude") {
            for (g, pos) in self.strings(s, "scope.exclude") {
                match globset::Glob::new(&g) {
                    Ok(_) => p.scope.exclude.push(g),
                    Err(e) => self.err(
                        pos,
                        tr!(
                            "scope.exclude: `{g}` はパターン（glob）として正しくありません: {}",
                            "scope.exclude: `{g}` is not a valid glob: {}",
                            e.kind()
                        ),
                    ),
                }
            }
        }
        if let Some(b) = f.get("content_scan_bytes")
            && let Some(v) = self.uint(b, "scope.content_scan_bytes")
        {
            p.scope.content_scan_bytes = v;
        }
    }

    pub(super) fn administrator(&mut self, n: &Node, p: &mut Profile) {
        let ctx = "administrator";
        let Some(f) = self.fields(n, ctx, &["account", "appointed_on", "document"]) else {
            return;
        };
        p.administrator = Some(Administrator {
            account: self.opt_string(&f, "account", ctx),
            appointed_on: self.opt_date(&f, "appointed_on", ctx),
            document: self.opt_string(&f, "document", ctx),
        });
    }

    pub(super) fn approval(&mut self, n: &Node, p: &mut Profile) {
        let ctx = "approval";
        let Some(f) = self.fields(
            n,
            ctx,
            &["prepared_by", "prepared_on", "approved_by", "approved_on"],
        ) else {
            return;
        };
        p.approval = Approval {
            prepared_by: self.opt_string(&f, "prepared_by", ctx),
            prepared_on: self.opt_date(&f, "prepared_on", ctx),
            approved_by: self.opt_string(&f, "approved_by", ctx),
            approved_on: self.opt_date(&f, "approved_on", ctx),
        };
    }

    pub(super) fn thresholds(&mut self, n: &Node, p: &mut Profile) {
        let keys = [
            "log_retention_days",
            "training_interval_days",
            "review_interval_days",
            "min_password_length",
        ];
        let Some(f) = self.fields(n, "thresholds", &keys) else {
            return;
        };
        for key in keys {
            let Some(v) = f.get(key) else { continue };
            let ctx = format!("thresholds.{key}");
            let Some(x) = self.uint(v, &ctx) else {
                continue;
            };
            if x == 0 {
                self.err(
                    v.pos,
                    tr!(
                        "{ctx}: 1 以上の値にしてください",
                        "{ctx}: must be at least 1"
                    ),
                );
                continue;
            }
            // Day counts beyond a century are a typo, and would overflow the date
            // arithmetic (review_interval_days × 3, dates minus the interval).
            if key.ends_with("_days") && x > MAX_THRESHOLD_DAYS {
                self.err(
                    v.pos,
                    tr!(
                        "{ctx}: {x} 日は上限の {MAX_THRESHOLD_DAYS} 日（100 年）を超えています。間隔は日数で書いてください",
                        "{ctx}: {x} days is more than {MAX_THRESHOLD_DAYS} (100 years); give the interval in days"
                    ),
                );
                continue;
            }
            let t = &mut p.thresholds;
            match key {
                "log_retention_days" => t.log_retention_days = x,
                "training_interval_days" => t.training_interval_days = x,
                "review_interval_days" => t.review_interval_days = x,
                _ => t.min_password_length = x,
            }
        }
    }

    /// Consistency warnings that are not errors: things that will make items fail
    /// for a reason the user may not expect.
    pub(super) fn cross_checks(&mut self, p: &Profile) {
        let accounts: HashSet<&str> = p.people.iter().map(|x| x.account.as_str()).collect();
        for a in &p.assets {
            for h in &a.handlers {
                if !accounts.contains(h.as_str()) {
                    let label = a.label();
                    self.warn(
                        a.pos,
                        tr!(
                            "assets[{label}]: 取扱者 `{h}` が従業員名簿（`people`）にいません",
                            "assets[{label}]: handler `{h}` is not in the people roster"
                        ),
                    );
                }
            }
        }
    }
}
