//! `Get-SmbShare | Export-Csv` and `Get-SmbShareAccess | Export-Csv` (columns by
//! header name; a `#TYPE` first line is skipped).

use crate::collect::host::conf::{FileRef, HostError, Line};

/// One CSV row: (lowercase header, value) pairs, and its line.
pub type Row = (Vec<(String, String)>, Line);

/// Rows as (header → value) maps with their line.
pub fn parse_csv(file: &FileRef, text: &str) -> Result<Vec<Row>, HostError> {
    let mut lines: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect();
    lines.retain(|(_, l)| !l.trim().is_empty());
    if lines
        .first()
        .is_some_and(|(_, l)| l.trim_start_matches('\u{feff}').starts_with("#TYPE"))
    {
        lines.remove(0);
    }
    let Some((hn, header)) = lines.first().copied() else {
        return Ok(Vec::new());
    };
    let parse_line = |n: usize, l: &str| -> Result<Vec<String>, HostError> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(l.as_bytes());
        match rdr.records().next() {
            Some(Ok(r)) => Ok(r.iter().map(|s| s.to_string()).collect()),
            _ => Err(HostError::at(&file.path, n, "not a CSV line")),
        }
    };
    let headers: Vec<String> = parse_line(hn, header.trim_start_matches('\u{feff}'))?
        .into_iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut out = Vec::new();
    for (n, l) in &lines[1..] {
        let cols = parse_line(*n, l)?;
        let row = headers.iter().cloned().zip(cols).collect();
        out.push((row, Line::new(file, *n, l)));
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

/// Guest and anonymous principals, by name or SID.
pub fn is_guest_or_anonymous(account: &str) -> bool {
    let l = account.trim().to_lowercase();
    let name = l.rsplit('\\').next().unwrap_or(&l);
    ["s-1-5-7", "s-1-5-32-546"].contains(&l.as_str())
        || (l.starts_with("s-1-5-21-") && l.ends_with("-501"))
        || name == "anonymous logon"
        || name == "guests"
        || name == "guest"
        || name == "domain guests"
        || (l.starts_with("s-1-5-21-") && l.ends_with("-514"))
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
        assert!(!is_guest_or_anonymous(&a[0].account));
        assert!(is_guest_or_anonymous(&a[1].account));
        assert_eq!(a[1].line.line, 4);
        assert!(parse_access(&f, "\"Name\",\"X\"\n\"a\",\"b\"\n").is_err());
    }
}
