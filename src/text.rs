//! Decoding text files the way Japanese Windows and Excel write them.

/// The encoding a text was decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Cp932,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Cp932 => "CP932",
        }
    }
}

/// Detects by BOM, then tries UTF-8, then CP932 (Shift_JIS as Windows writes it).
/// Never fails: CP932 decoding replaces what it cannot map (and says so).
pub fn decode(bytes: &[u8]) -> (String, Encoding, bool) {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        let (s, _, bad) = encoding_rs::UTF_8.decode(rest);
        return (s.into_owned(), Encoding::Utf8Bom, bad);
    }
    if bytes.starts_with(b"\xff\xfe") {
        let (s, _, bad) = encoding_rs::UTF_16LE.decode(bytes);
        return (s.into_owned(), Encoding::Utf16Le, bad);
    }
    if bytes.starts_with(b"\xfe\xff") {
        let (s, _, bad) = encoding_rs::UTF_16BE.decode(bytes);
        return (s.into_owned(), Encoding::Utf16Be, bad);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), Encoding::Utf8, false);
    }
    let (s, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
    (s.into_owned(), Encoding::Cp932, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_bom_utf8_and_cp932() {
        assert_eq!(decode("田中".as_bytes()).0, "田中");
        let (s, e, _) = decode(b"\xef\xbb\xbfaccount");
        assert_eq!((s.as_str(), e), ("account", Encoding::Utf8Bom));
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("田中 一郎,社外秘");
        let (s, e, bad) = decode(&sjis);
        assert_eq!(
            (s.as_str(), e, bad),
            ("田中 一郎,社外秘", Encoding::Cp932, false)
        );
        let utf16: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("設計".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16).0, "設計");
    }
}
