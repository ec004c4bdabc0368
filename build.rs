//! Generates the `ItemId` enum from the checklist, so that an item's YAML entry
//! is the only place its ID is declared (src/catalogue/ids.rs includes the output).
//! A plain line scan: every `  - id: XXX-NN` entry of `checklists/tim-selfcheck.yaml`.

use std::fmt::Write;

fn main() {
    const CHECKLIST: &str = "checklists/tim-selfcheck.yaml";
    println!("cargo::rerun-if-changed={CHECKLIST}");
    let yaml = std::fs::read_to_string(CHECKLIST).expect("read the checklist");
    let mut out = String::from("item_ids! {\n");
    for line in yaml.lines() {
        let Some(id) = line.trim_start().strip_prefix("- id: ") else {
            continue;
        };
        let id = id.trim().trim_matches(['"', '\'']);
        let b = id.as_bytes();
        let item = b.len() == 6
            && b[..3].iter().all(u8::is_ascii_uppercase)
            && b[3] == b'-'
            && b[4..].iter().all(u8::is_ascii_digit);
        if item {
            // HDL-04 -> Hdl04
            let variant = format!("{}{}{}", &id[..1], id[1..3].to_lowercase(), &id[4..]);
            writeln!(out, "    {variant} = \"{id}\",").unwrap();
        }
    }
    out.push_str("}\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("item_ids.rs");
    std::fs::write(dest, out).expect("write item_ids.rs");
}
