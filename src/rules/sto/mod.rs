//! STO — 保管する金庫・取り扱うエリア (safes, storage and restricted areas).

pub mod sto01;
pub mod sto02;
pub mod sto03;
pub mod sto04;
pub mod sto05;
pub mod sto06;

crate::rules::items! {
    sto01,
    sto02,
    sto03,
    sto04,
    sto05,
    sto06,
}

use crate::profile::RecordKind;
use crate::rules::kit::common::record_exists;
