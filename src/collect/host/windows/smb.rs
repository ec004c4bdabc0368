//! `Get-SmbShare | Export-Csv` and `Get-SmbShareAccess | Export-Csv` (columns by
//! header name; a `#TYPE` first line is skipped).

use crate::collect::host::conf::{FileRef, HostError, Line};

/// One CSV row: (lowercase header, value) pairs, and its line.
pub type Row = (Vec<(String, String)>, Line);

/// Rows as (header → value) maps with their line. One CSV reader runs over the
/// whole text (a quoted value may span lines; the cost is linear in the input).
/// A file without a header line is broken: `Export-Csv` always writes one, and
/// every Windows machine has shares (`IPC$`) and share permissions.
pub fn parse_csv(file: &FileRef, text: &str) -> Result<Vec<Row>, HostError> {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers from byte offsets, counted forward once (the reader's own
    // line count is one short after a CRLF terminator).
    let bytes = text.as_bytes();
    let (mut seen, mut line) = (0usize, 1usize);
    let mut line_at = |b: usize| {
        let mut b = b.min(bytes.len());
        while b < bytes.len() && (bytes[b] == b'\r' || bytes[b] == b'\n') {
            b += 1;
        }
        if b > seen {
            line += bytes[seen..b].iter().filter(|c| **c == b'\n').count();
            seen = b;
        }
        line
    };
    loop {
        let start = rdr.position().byte() as usize;
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let b = e.position().map(|p| p.byte() as usize).unwrap_or(start);
                return Err(HostError::at(
                    &file.path,
                    line_at(b),
                    format!("not CSV: {e}"),
                ));
            }
        }
        let n = line_at(
            record
                .position()
                .map(|p| p.byte() as usize)
                .unwrap_or(start),
        );
        // A line of spaces is a record of one blank field: skip it.
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match &headers {
            None => {
                if out.is_empty() && record.get(0).is_some_and(|f| f.starts_with("#TYPE")) {
                    continue;
                }
                headers = Some(
                    record
                        .iter()
                        .map(|h| h.trim().to_ascii_lowercase())
                        .collect(),
                );
            }
            Some(h) => {
                let row = h
                    .iter()
                    .cloned()
                    .zip(record.iter().map(str::to_string))
                    .collect();
                let raw = lines.get(n.saturating_sub(1)).copied().unwrap_or("");
                out.push((row, Line::new(file, n, raw)));
            }
        }
    }
    if headers.is_none() {
        return Err(HostError::new(
            file.path.clone(),
            "empty: no CSV header line (collect the evidence again)",
        ));
    }
    Ok(out)
}

fn col<'a>(row: &'a [(String, String)], name: &str) -> &'a str {
    row.iter()
        .find(|(h, _)| h == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

#[derive(Clone, Debug, PartialEq)]
pub struct Share {
    pub name: String,
    pub path: String,
    pub special: bool,
    pub line: Line,
}

pub fn parse_shares(file: &FileRef, text: &str) -> Result<Vec<Share>, HostError> {
    let rows = parse_csv(file, text)?;
    if let Some((r, l)) = rows.first()
        && (!r.iter().any(|(h, _)| h == "name") || !r.iter().any(|(h, _)| h == "path"))
    {
        return Err(HostError::at(
            &file.path,
            l.line,
            "Get-SmbShare CSV needs Name and Path columns",
        ));
    }
    Ok(rows
        .into_iter()
        .map(|(r, line)| Share {
            name: col(&r, "name").to_string(),
            path: col(&r, "path").to_string(),
            special: col(&r, "special").eq_ignore_ascii_case("true")
                || col(&r, "name").ends_with('$'),
            line,
        })
        .collect())
}

#[derive(Clone, Debug, PartialEq)]
pub struct ShareAce {
    pub share: String,
    pub account: String,
    pub allow: bool,
    /// Full, Change, Read or Custom.
    pub right: String,
    pub line: Line,
}

pub fn parse_access(file: &FileRef, text: &str) -> Result<Vec<ShareAce>, HostError> {
    let rows = parse_csv(file, text)?;
    let mut out = Vec::new();
    for (r, line) in rows {
        if !r.iter().any(|(h, _)| h == "accountname") {
            return Err(HostError::at(
                &file.path,
                line.line,
                "Get-SmbShareAccess CSV needs an AccountName column",
            ));
        }
        let t = col(&r, "accesscontroltype");
        let allow = match t.to_ascii_lowercase().as_str() {
            "allow" | "0" => true,
            "deny" | "1" => false,
            other => {
                return Err(HostError::at(
                    &file.path,
                    line.line,
                    format!("unknown AccessControlType `{other}`"),
                ));
            }
        };
        let right = match col(&r, "accessright") {
            "0" => "Full",
            "1" => "Change",
            "2" => "Read",
            "3" => "Custom",
            s => s,
        }
        .to_string();
        out.push(ShareAce {
            share: col(&r, "name").to_string(),
            account: col(&r, "accountname").to_string(),
            allow,
            right,
            line,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_csv_with_type_line() {
        let f = FileRef {
            kind: crate::model::EvidenceKind::Windows,
            path: "smb-share-access.csv".into(),
            sha256: "x".into(),
        };
        let t = "#TYPE Microsoft.Management.Infrastructure.CimInstance#ROOT/Microsoft/Windows/SMB/MSFT_SmbShareAccessControlEntry\r\n\"Name\",\"ScopeName\",\"AccountName\",\"AccessControlType\",\"AccessRight\"\r\n\"設計\",\"*\",\"Everyone\",\"Allow\",\"Read\"\r\n\"設計\",\"*\",\"NT AUTHORITY\\ANONYMOUS LOGON\",\"Allow\",\"Read\"\r\n";
        let a = parse_access(&f, t).unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].share, "設計");
        assert_eq!(a[0].account, "Everyone");
        assert_eq!(a[1].account, "NT AUTHORITY\\ANONYMOUS LOGON");
        assert!(a[1].allow && a[1].right == "Read");
        assert_eq!(a[1].line.line, 4);
        assert!(parse_access(&f, "\"Name\",\"X\"\n\"a\",\"b\"\n").is_err());
    }

    fn file(name: &str) -> FileRef {
        FileRef {
            kind: crate::model::EvidenceKind::Windows,
            path: name.into(),
            sha256: "x".into(),
        }
    }

    #[test]
    fn a_large_export_parses_whole_with_its_line_numbers() {
        // 50 000 shares (one reader over the text, not one per line).
        let mut t =
            String::from("\u{feff}#TYPE MSFT_SmbShare\r\n\"Name\",\"Path\",\"Description\"\r\n");
        for i in 0..50_000 {
            t.push_str(&format!("\"s{i}\",\"D:\\Share\\{i}\",\"d\"\r\n"));
        }
        let s = parse_shares(&file("smb-shares.csv"), &t).unwrap();
        assert_eq!(s.len(), 50_000);
        assert_eq!(s[0].name, "s0");
        assert_eq!(s[0].line.line, 3);
        assert_eq!(s[49_999].path, "D:\\Share\\49999");
        assert_eq!(s[49_999].line.line, 50_002);
        assert_eq!(s[49_999].line.text, "\"s49999\",\"D:\\Share\\49999\",\"d\"");
    }

    #[test]
    fn a_description_over_two_lines_is_one_share() {
        let t = "\"Name\",\"Path\",\"Description\"\n\"Design\",\"D:\\Design\",\"drawings\nand moulds\"\n\n\"Docs\",\"D:\\Docs\",\"\"\n";
        let s = parse_shares(&file("smb-shares.csv"), t).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].name.as_str(), s[0].line.line), ("Design", 2));
        assert_eq!((s[1].name.as_str(), s[1].line.line), ("Docs", 5));
    }

    #[test]
    fn an_empty_export_is_broken_not_zero_shares() {
        for t in ["", "\u{feff}", "\r\n  \r\n", "#TYPE MSFT_SmbShare\r\n"] {
            let e = parse_shares(&file("smb-shares.csv"), t).unwrap_err();
            assert!(e.message.contains("no CSV header"), "{t:?}: {e:?}");
            assert!(
                parse_access(&file("smb-share-access.csv"), t).is_err(),
                "{t:?}"
            );
        }
    }
}
