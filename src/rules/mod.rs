//! Evaluation: facts + profile → one result per checklist item.
//!
//! Each criterion has its module with the rules of its computed items (`RULES`).
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
use crate::collect::Facts;
use crate::i18n::Text;
use crate::model::{Evidence, Outcome, Status};
use crate::profile::Profile;
use crate::rootfs::RootFs;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Everything a rule may look at. Rules are pure functions of it.
pub struct Context<'a> {
    pub profile: &'a Profile,
    pub date: NaiveDate,
    pub fs: &'a RootFs,
    pub facts: &'a Facts,
}

/// A rule computes an item's automatic or records part. `done` holds the final
/// results of the items evaluated before it (see [`DEPENDENT`]).
pub type Rule = fn(&Context, &BTreeMap<String, ItemResult>) -> Outcome;

/// Items whose rule reads another item's final result; evaluated last.
pub const DEPENDENT: &[&str] = &["HDL-07"];

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

/// All rules of all criteria.
pub fn rules() -> impl Iterator<Item = &'static (&'static str, Rule)> {
    adm::RULES
        .iter()
        .chain(hdl::RULES)
        .chain(trn::RULES)
        .chain(acc::RULES)
        .chain(sto::RULES)
        .chain(its::RULES)
}

pub fn rule_for(id: &str) -> Option<Rule> {
    rules().find(|(i, _)| *i == id).map(|(_, r)| *r)
}

/// Evaluates every item of the catalogue, in catalogue order.
pub fn evaluate(cat: &Catalogue, ctx: &Context) -> Vec<ItemResult> {
    let mut done: BTreeMap<String, ItemResult> = BTreeMap::new();
    let order = cat
        .items
        .iter()
        .filter(|i| !DEPENDENT.contains(&i.id.as_str()))
        .chain(
            cat.items
                .iter()
                .filter(|i| DEPENDENT.contains(&i.id.as_str())),
        );
    for item in order {
        let computed = if item.source.is_computed() {
            Some(match rule_for(&item.id) {
                Some(rule) => rule(ctx, &done),
                None => Outcome::error(Text::new(
                    format!("{} を判定する規則がこの版にありません", item.id),
                    format!("this version has no rule for {}", item.id),
                )),
            })
        } else {
            None
        };
        let result = answers::combine(item, computed, ctx);
        done.insert(item.id.clone(), result);
    }
    cat.items
        .iter()
        .filter_map(|i| done.remove(&i.id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Source;

    #[test]
    fn every_computed_item_has_exactly_one_rule_and_every_rule_an_item() {
        let cat = Catalogue::builtin();
        for item in &cat.items {
            let n = rules().filter(|(id, _)| *id == item.id).count();
            let expected = usize::from(item.source != Source::Manual);
            assert_eq!(
                n,
                expected,
                "{} ({}) has {n} rules",
                item.id,
                item.source.code()
            );
        }
        for (id, _) in rules() {
            assert!(cat.item(id).is_some(), "rule {id} has no checklist item");
        }
    }
}
