//! `documents`, `reviews` and `records`: the company's rules, reviews and
//! records, each with its kind.

use super::{Decoder, Fields, did_you_mean, suggest};
use crate::i18n::Text;
use crate::profile::model::*;
use crate::tr;
use crate::yaml::Node;

impl Decoder<'_> {
    pub(super) fn documents(&mut self, n: &Node, p: &mut Profile) {
        for (i, e) in self.seq(n, "documents").iter().enumerate() {
            let ctx = format!("documents[{}]", i + 1);
            let Some(f) = self.fields(e, &ctx, &["id", "title", "path", "revised_on"]) else {
                continue;
            };
            let Some(id) = self.opt_string(&f, "id", &ctx) else {
                self.err(
                    e.pos,
                    tr!(
                        "{ctx}: `id` は必須です（管理規程には `rules` を使います）",
                        "{ctx}: `id` is required (use `rules` for the management rules)"
                    ),
                );
                continue;
            };
            p.documents.push(Document {
                title: self.opt_string(&f, "title", &ctx),
                path: self.opt_string(&f, "path", &ctx),
                revised_on: self.opt_date(&f, "revised_on", &ctx),
                id,
            });
        }
    }

    pub(super) fn reviews(&mut self, n: &Node, p: &mut Profile) {
        for (i, e) in self.seq(n, "reviews").iter().enumerate() {
            let ctx = format!("reviews[{}]", i + 1);
            let Some(f) = self.fields(e, &ctx, &["kind", "date", "document", "note"]) else {
                continue;
            };
            let kind = self.kind(&f, e, &ctx, ReviewKind::NAMES, ReviewKind::parse);
            let date = self.opt_date(&f, "date", &ctx);
            let document = self.opt_string(&f, "document", &ctx);
            let note = self.opt_string(&f, "note", &ctx);
            if let Some(kind) = kind {
                p.reviews.push(Review {
                    kind,
                    date,
                    document,
                    note,
                });
            }
        }
    }

    pub(super) fn records(&mut self, n: &Node, p: &mut Profile) {
        for (i, e) in self.seq(n, "records").iter().enumerate() {
            let ctx = format!("records[{}]", i + 1);
            let Some(f) = self.fields(
                e,
                &ctx,
                &["kind", "path", "note", "reviewed_on", "updated_on"],
            ) else {
                continue;
            };
            let kind = self.kind(&f, e, &ctx, RecordKind::NAMES, RecordKind::parse);
            let path = self.opt_string(&f, "path", &ctx);
            let note = self.opt_string(&f, "note", &ctx);
            let reviewed_on = self.opt_date(&f, "reviewed_on", &ctx);
            let updated_on = self.opt_date(&f, "updated_on", &ctx);
            // A date on a kind that has no use for it is never read: say so
            // where it was written rather than let it look like it counts.
            for (key, wanted) in [
                ("reviewed_on", RecordKind::IncidentProcedure),
                ("updated_on", RecordKind::Media),
            ] {
                if let (Some(k), Some(at)) = (kind, f.key_pos.get(key))
                    && k != wanted
                {
                    let (k, w) = (k.name(), wanted.name());
                    self.warn(
                        *at,
                        tr!(
                            "{ctx}.{key}: `{key}` は kind: {w} の記録でだけ使われます（この記録は kind: {k} のため、この日付は判定に使われません）",
                            "{ctx}.{key}: `{key}` is only read for kind {w} (this record is kind {k}, so the date is not used)"
                        ),
                    );
                }
            }
            if let Some(kind) = kind {
                p.records.push(Record {
                    kind,
                    path,
                    note,
                    reviewed_on,
                    updated_on,
                });
            }
        }
    }

    pub(super) fn kind<T>(
        &mut self,
        f: &Fields,
        e: &Node,
        ctx: &str,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let Some(kn) = f.get("kind") else {
            let names = names.join(" | ");
            self.err(
                e.pos,
                tr!(
                    "{ctx}: `kind` は必須です（{names}）",
                    "{ctx}: `kind` is required ({names})"
                ),
            );
            return None;
        };
        let s = self.string(kn, &format!("{ctx}.kind"))?;
        let k = parse(s.trim());
        if k.is_none() {
            let hint = did_you_mean(suggest(&s, names));
            let names = names.join(" | ");
            self.err(
                kn.pos,
                Text::new(
                    format!(
                        "{ctx}.kind: 不明な種類 `{s}` です（使えるもの: {names}）。{}",
                        hint.ja
                    ),
                    format!(
                        "{ctx}.kind: unknown kind `{s}` (expected {names}){}",
                        hint.en
                    ),
                ),
            );
        }
        k
    }
}
