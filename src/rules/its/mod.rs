//! ITS — 情報システムのセキュリティ (information-system security).
//! One module per item.

pub mod its01;
pub mod its02;
pub mod its03;
pub mod its04;
pub mod its05;
pub mod its06;
pub mod its07;
pub mod its08;
pub mod its09;
pub mod its10;
pub mod its11;
pub mod its12;
pub mod its13;
pub mod its14;
pub mod its15;
pub mod its16;

crate::rules::items! {
    its01,
    its02,
    its03,
    its04,
    its05,
    its06,
    its07,
    its08,
    its09,
    its10,
    its11,
    its12,
    its13,
    its14,
    its15,
    its16,
}
