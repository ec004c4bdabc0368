//! HDL — 情報の取扱い (handling: register, labels, copies, take-out, disposal).

pub mod hdl01;
pub mod hdl02;
pub mod hdl03;
pub mod hdl04;
pub mod hdl05;
pub mod hdl06;
pub mod hdl07;
pub mod hdl08;
pub mod hdl09;
pub mod hdl10;
pub mod hdl11;

crate::rules::items! {
    hdl01,
    hdl02,
    hdl03,
    hdl04,
    hdl05,
    hdl06,
    hdl07,
    hdl08,
    hdl09,
    hdl10,
    hdl11,
}

use crate::profile::RecordKind;
use crate::rules::kit::common::{Findings, record_exists};
