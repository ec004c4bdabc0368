//! ITS — 情報システムのセキュリティ (information-system security).
//! One module per item.

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
