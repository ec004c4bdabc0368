//! HDL — 情報の取扱い (handling: register, labels, copies, take-out, disposal).

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
