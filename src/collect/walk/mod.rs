//! The file-share walker: inventory, classification and the facts that the
//! HDL/ACC/STO file items are decided from. (Filled in by the file-share work.)

/// Facts from walking the shares and `--scan` paths.
#[derive(Debug, Default)]
pub struct ShareFacts {}
