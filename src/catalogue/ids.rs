//! Checklist item IDs as a type: a rule, a file check or a report can only name an
//! item that exists. The list is the checklist's (`checklists/tim-selfcheck.yaml`),
//! in its order; a test asserts both hold exactly the same IDs.

use std::fmt;

macro_rules! item_ids {
    ($($v:ident = $s:literal,)*) => {
        /// One checklist item (`ADM-01` … `ITS-13`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ItemId {
            $($v,)*
        }

        impl ItemId {
            /// Every item, in checklist order.
            pub const ALL: &[ItemId] = &[$(ItemId::$v,)*];

            /// The ID as the checklist and the reports write it (`HDL-04`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ItemId::$v => $s,)*
                }
            }

            /// The item of a written ID; `None` for an ID the checklist lacks.
            pub fn parse(s: &str) -> Option<ItemId> {
                match s {
                    $($s => Some(ItemId::$v),)*
                    _ => None,
                }
            }
        }
    };
}

item_ids! {
    Adm01 = "ADM-01", Adm02 = "ADM-02", Adm03 = "ADM-03", Adm04 = "ADM-04", Adm05 = "ADM-05",
    Hdl01 = "HDL-01", Hdl02 = "HDL-02", Hdl03 = "HDL-03", Hdl04 = "HDL-04", Hdl05 = "HDL-05",
    Hdl06 = "HDL-06", Hdl07 = "HDL-07", Hdl08 = "HDL-08", Hdl09 = "HDL-09", Hdl10 = "HDL-10",
    Trn01 = "TRN-01", Trn02 = "TRN-02", Trn03 = "TRN-03", Trn04 = "TRN-04", Trn05 = "TRN-05",
    Acc01 = "ACC-01", Acc02 = "ACC-02", Acc03 = "ACC-03", Acc04 = "ACC-04", Acc05 = "ACC-05",
    Acc06 = "ACC-06", Acc07 = "ACC-07",
    Sto01 = "STO-01", Sto02 = "STO-02", Sto03 = "STO-03", Sto04 = "STO-04", Sto05 = "STO-05",
    Sto06 = "STO-06",
    Its01 = "ITS-01", Its02 = "ITS-02", Its03 = "ITS-03", Its04 = "ITS-04", Its05 = "ITS-05",
    Its06 = "ITS-06", Its07 = "ITS-07", Its08 = "ITS-08", Its09 = "ITS-09", Its10 = "ITS-10",
    Its11 = "ITS-11", Its12 = "ITS-12", Its13 = "ITS-13",
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_and_the_checklist_hold_the_same_ids_in_the_same_order() {
        let cat = crate::catalogue::Catalogue::builtin();
        let written: Vec<&str> = cat.items.iter().map(|i| i.id.as_str()).collect();
        let typed: Vec<&str> = ItemId::ALL.iter().map(|i| i.as_str()).collect();
        assert_eq!(typed, written);
        for id in ItemId::ALL {
            assert_eq!(ItemId::parse(id.as_str()), Some(*id));
        }
        assert_eq!(ItemId::parse("HDL-11"), None);
    }
}
