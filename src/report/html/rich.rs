//! The checklist's own rich text (questions, remediation): paragraphs, bullet
//! lists and `code` spans.

/// One piece of the checklist's own rich text: plain text or a `code` span.
pub struct Inline {
    pub code: bool,
    pub text: String,
}

/// A block of the checklist's rich text: a paragraph or a bullet list.
pub enum Block {
    Para(Vec<Inline>),
    List(Vec<Vec<Inline>>),
}

/// The checklist's own text (trusted, but escaped all the same): lines starting
/// with `- `, `* ` or `・` become a list, and `code` spans are shown as code.
pub fn rich(s: &str) -> Vec<Block> {
    let inline = |t: &str| {
        t.split('`')
            .enumerate()
            .filter(|(i, part)| i % 2 == 1 || !part.is_empty())
            .map(|(i, part)| Inline {
                code: i % 2 == 1,
                text: part.to_string(),
            })
            .collect::<Vec<_>>()
    };
    let mut out: Vec<Block> = Vec::new();
    for line in s.trim().lines().map(str::trim).filter(|l| !l.is_empty()) {
        let bullet = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix('・'))
            .or_else(|| line.strip_prefix("* "));
        match (bullet, out.last_mut()) {
            (Some(b), Some(Block::List(items))) => items.push(inline(b.trim())),
            (Some(b), _) => out.push(Block::List(vec![inline(b.trim())])),
            (None, _) => out.push(Block::Para(inline(line))),
        }
    }
    out
}
