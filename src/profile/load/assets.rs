//! `assets`: the protected information, its paths and who may read it.

use super::{Decoder, Fields};
use crate::i18n::Text;
use crate::profile::model::*;
use crate::tr;
use crate::yaml::{Node, Pos};
use std::collections::HashMap;

impl Decoder<'_> {
    pub(super) fn assets(&mut self, n: &Node, p: &mut Profile) {
        const KEYS: &[&str] = &[
            "id",
            "name",
            "classification",
            "paths",
            "authorized",
            "handlers",
        ];
        let mut seen: HashMap<String, Pos> = HashMap::new();
        for (i, a) in self.seq(n, "assets").iter().enumerate() {
            let ctx = format!("assets[{}]", i + 1);
            let Some(f) = self.fields(a, &ctx, KEYS) else {
                if a.is_null() {
                    self.err(
                        a.pos,
                        tr!(
                            "{ctx}: 中身のない資産の項目があります",
                            "{ctx}: empty asset entry"
                        ),
                    );
                }
                continue;
            };
            let id = self.opt_string(&f, "id", &ctx);
            let ctx = match &id {
                Some(id) => format!("assets[{id}]"),
                None => ctx,
            };
            if let Some(id) = &id {
                let pos = f.get("id").map_or(a.pos, |n| n.pos);
                self.duplicate_asset_id(&mut seen, id, pos);
            }
            let paths = self.asset_paths(&f, &ctx);
            let authorized = self.asset_authorized(&f, &ctx);
            let asset = Asset {
                id,
                name: self.opt_string(&f, "name", &ctx),
                classification: self.opt_string(&f, "classification", &ctx),
                paths,
                authorized,
                handlers: self.opt_strings(&f, "handlers", &ctx),
                index: i,
                pos: a.pos,
            };
            p.assets.push(asset);
        }
    }

    /// An asset ID given before (`seen`: each ID and where it first is) is an
    /// error.
    fn duplicate_asset_id(&mut self, seen: &mut HashMap<String, Pos>, id: &str, pos: Pos) {
        if let Some(first) = seen.get(id) {
            self.err(
                pos,
                tr!(
                    "assets: 資産ID `{id}` が重複しています（最初は {} 行目）",
                    "assets: duplicate asset id `{id}` (first defined on line {})",
                    first.line
                ),
            );
        } else {
            seen.insert(id.to_string(), pos);
        }
    }

    /// An asset's `paths`: absolute host paths or Windows paths, valid globs.
    fn asset_paths(&mut self, f: &Fields, ctx: &str) -> Vec<String> {
        let mut paths = Vec::new();
        if let Some(pn) = f.get("paths") {
            for (g, pos) in self.strings(pn, &format!("{ctx}.paths")) {
                if let Err(m) = check_asset_glob(&g) {
                    self.err(
                        pos,
                        Text::new(
                            format!("{ctx}.paths: {}", m.ja),
                            format!("{ctx}.paths: {}", m.en),
                        ),
                    );
                } else {
                    paths.push(g);
                }
            }
        }
        paths
    }

    /// An asset's `authorized` principals (`user:…`, `group:…`).
    fn asset_authorized(&mut self, f: &Fields, ctx: &str) -> Vec<Principal> {
        let mut authorized = Vec::new();
        if let Some(an) = f.get("authorized") {
            for (s, pos) in self.strings(an, &format!("{ctx}.authorized")) {
                match Principal::parse_text(&s) {
                    Ok(pr) => authorized.push(pr),
                    Err(m) => self.err(
                        pos,
                        Text::new(
                            format!("{ctx}.authorized: {}", m.ja),
                            format!("{ctx}.authorized: {}", m.en),
                        ),
                    ),
                }
            }
        }
        authorized
    }
}

fn check_asset_glob(g: &str) -> Result<(), Text> {
    if g.is_empty() {
        return Err(tr!("パスが空です", "an empty path"));
    }
    let windows = g.len() > 2 && g.as_bytes()[1] == b':' || g.starts_with("\\\\");
    if !g.starts_with('/') && !windows {
        return Err(tr!(
            "`{g}` はホスト上の絶対パス（/srv/share/design/** など）か Windows のパス（D:\\Share\\設計\\** など）で書いてください",
            "`{g}` must be an absolute host path (like /srv/share/design/**) or a Windows path (like D:\\Share\\設計\\**)"
        ));
    }
    if !windows {
        globset::Glob::new(g).map_err(|e| {
            tr!(
                "`{g}` はパターン（glob）として正しくありません: {}",
                "`{g}` is not a valid glob: {}",
                e.kind()
            )
        })?;
    }
    Ok(())
}
