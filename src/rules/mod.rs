//! Rules: facts + profile → one result per checklist item.
//!
//! One file per item, `rules/<criterion>/<id>.rs`, holds that item's whole
//! decision in its `RULE`; each criterion declares its item files with `pub mod`
//! lines and lists their rules in its `items!` block, and [`registry`] chains
//! the six lists. Rules read [`Context`]
//! only: the facts the collectors gathered and the profile, never the disk.
//! Answers and waivers are layered on top in one place (`answers.rs`), so every
//! item follows the same rules for unanswered, mixed and waived items.

pub mod acc;
pub mod adm;
pub mod answers;
pub mod hdl;
pub mod its;
pub mod kit;
pub mod score;
pub mod sto;
pub mod trn;

use crate::catalogue::Catalogue;
pub use crate::catalogue::ItemId;
use crate::collect::Facts;
pub use crate::collect::walk::check::FileCheck;
use crate::i18n::Text;
use crate::model::{Evidence, Outcome, Status};
use crate::profile::Profile;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Everything a rule may look at. Rules are pure functions of it.
pub struct Context<'a> {
    pub profile: &'a Profile,
    pub date: NaiveDate,
    pub facts: &'a Facts,
}

/// The final results of the items evaluated so far, by item.
pub type Done = BTreeMap<ItemId, ItemResult>;

/// An item's computed (automatic or records) part.
pub type Eval = fn(&Context, &Done) -> Outcome;

/// One checklist item's rule: what its file registers.
pub struct ItemRule {
    pub id: ItemId,
    /// `None` for an item answered in the profile only (source `manual`).
    pub eval: Option<Eval>,
    /// Items whose final results `eval` reads from [`Done`]: evaluated after
    /// every item that reads none.
    pub reads: &'static [ItemId],
    /// Its look at every file the walk (and watch mode) sees, if it needs one.
    pub file_check: Option<&'static dyn FileCheck>,
}

impl ItemRule {
    /// An item the tool decides (in part) with `eval`.
    pub const fn new(id: ItemId, eval: Eval) -> ItemRule {
        ItemRule {
            id,
            eval: Some(eval),
            reads: &[],
            file_check: None,
        }
    }

    /// An item answered in the profile only.
    pub const fn manual(id: ItemId) -> ItemRule {
        ItemRule {
            id,
            eval: None,
            reads: &[],
            file_check: None,
        }
    }

    /// The same rule, with a check the walker calls for every file.
    pub const fn file_check(self, check: &'static dyn FileCheck) -> ItemRule {
        ItemRule {
            file_check: Some(check),
            ..self
        }
    }

    /// The same rule, reading the final results of `items`.
    pub const fn reads(self, items: &'static [ItemId]) -> ItemRule {
        ItemRule {
            reads: items,
            ..self
        }
    }
}

/// Lists a criterion's item rules in `RULES`, in checklist order. The item files
/// are declared with plain `pub mod` lines above the list, not by this macro:
/// cargo-mutants finds source files by following `mod` items and does not
/// expand macros, so items declared here would never be mutated
/// (scripts/mutants.sh, docs/mutants.md).
macro_rules! items {
    ($($item:ident),* $(,)?) => {
        /// This criterion's item rules, in checklist order.
        pub static RULES: &[&crate::rules::ItemRule] = &[$(&$item::RULE),*];
    };
}
pub(crate) use items;

/// The result of one item, as the report shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemResult {
    pub id: String,
    pub status: Status,
    pub reason: Text,
    pub evidence: Vec<Evidence>,
    /// An answer in the profile overrides the computed result.
    pub waived: bool,
    /// The computed result when waived: status, reason and evidence.
    pub computed: Option<Outcome>,
    /// A waiver that had expired by the audit date and was ignored.
    pub expired_waiver: Option<NaiveDate>,
}

/// Every item's rule, criterion by criterion.
pub fn registry() -> impl Iterator<Item = &'static ItemRule> {
    adm::RULES
        .iter()
        .chain(hdl::RULES)
        .chain(trn::RULES)
        .chain(acc::RULES)
        .chain(sto::RULES)
        .chain(its::RULES)
        .copied()
}

/// The per-file checks of every item that has one, in checklist order: what the
/// walker and watch mode call for each file.
pub fn file_checks() -> Vec<&'static dyn FileCheck> {
    registry().filter_map(|r| r.file_check).collect()
}

pub fn rule_for(id: ItemId) -> Option<&'static ItemRule> {
    registry().find(|r| r.id == id)
}

/// Evaluates every item of the catalogue; results in catalogue order.
pub fn evaluate(cat: &Catalogue, ctx: &Context) -> Vec<ItemResult> {
    let rules: Vec<(Option<ItemId>, Option<&ItemRule>)> = cat
        .items
        .iter()
        .map(|i| {
            let id = ItemId::parse(&i.id);
            (id, id.and_then(rule_for))
        })
        .collect();
    let reads_others = |k: usize| rules[k].1.is_some_and(|r| !r.reads.is_empty());
    let order = (0..cat.items.len())
        .filter(|k| !reads_others(*k))
        .chain((0..cat.items.len()).filter(|k| reads_others(*k)));
    let mut done = Done::new();
    let mut unknown: BTreeMap<usize, ItemResult> = BTreeMap::new();
    for k in order {
        let item = &cat.items[k];
        let computed = if item.source.is_computed() {
            Some(match rules[k].1.and_then(|r| r.eval) {
                Some(eval) => eval(ctx, &done),
                None => Outcome::error(Text::new(
                    format!("{} を判定する規則がこの版にありません", item.id),
                    format!("this version has no rule for {}", item.id),
                )),
            })
        } else {
            None
        };
        let result = answers::combine(item, computed, ctx);
        match rules[k].0 {
            Some(id) => {
                done.insert(id, result);
            }
            None => {
                unknown.insert(k, result);
            }
        }
    }
    (0..cat.items.len())
        .filter_map(|k| match rules[k].0 {
            Some(id) => done.remove(&id),
            None => unknown.remove(&k),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Source;

    #[test]
    fn the_registry_and_the_checklist_hold_exactly_the_same_items() {
        let cat = Catalogue::builtin();
        let registered: Vec<&str> = registry().map(|r| r.id.as_str()).collect();
        let written: Vec<&str> = cat.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(registered, written);
        for check in file_checks() {
            assert!(
                rule_for(check.id()).is_some_and(|r| r.file_check.is_some()),
                "the file check of {} is registered by another item",
                check.id()
            );
        }
        for item in &cat.items {
            let rule = rule_for(ItemId::parse(&item.id).unwrap()).unwrap();
            assert_eq!(
                rule.eval.is_some(),
                item.source != Source::Manual,
                "{} ({}): a computed part exactly when the checklist says so",
                item.id,
                item.source.code()
            );
        }
    }

    #[test]
    fn each_rule_lives_in_the_file_named_after_its_item() {
        // rules/<criterion>/<id>.rs declares the RULE of exactly that ID.
        let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        for rule in registry() {
            let id = rule.id.as_str();
            let file = base.join(id[..3].to_lowercase()).join(format!(
                "{}{}.rs",
                id[..3].to_lowercase(),
                &id[4..]
            ));
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let variant = format!("{:?}", rule.id);
            assert!(
                text.contains("pub static RULE: ItemRule = ItemRule::")
                    && (text.contains(&format!("(ItemId::{variant},"))
                        || text.contains(&format!("(ItemId::{variant})"))),
                "{} does not register {id}",
                file.display()
            );
        }
    }
}
