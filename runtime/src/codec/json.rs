//! A reader of DynamoDB's JSON wire format, byte by byte over a body checked as UTF-8 once:
//! the fast read path's parser ([`Wire`]).
//!
//! It reads only the form DynamoDB writes, and gives up (`None`) on anything else: then the
//! SDK's own parser reads the response, so both paths see the same values. Strings without
//! escapes are borrowed from the body; a string with escapes is unescaped by the SDK's own
//! unescaper (`aws-smithy-json`), so that both paths unescape alike.

use std::borrow::Cow;
use std::ops::Range;

use aws_smithy_json::deserialize::EscapedStr;

use super::wire::{Wire, WireMap};

/// Deeper than DynamoDB's own limit of 32 levels of nesting: the reader gives up there.
const MAX_DEPTH: u32 = 64;

/// The reader of one body: where it is, and a size hint for items' entries.
pub(crate) struct Reader<'a> {
    text: &'a str,
    at: usize,
    /// How many attributes the last item had: the next item's entries are allocated once at
    /// that size, since the items of one response mostly have the same attributes.
    hint: usize,
}

impl<'a> Reader<'a> {
    /// A reader of `body`; `None` when it is not UTF-8.
    pub(crate) fn new(body: &'a [u8]) -> Option<Self> {
        Some(Self {
            text: std::str::from_utf8(body).ok()?,
            at: 0,
            hint: 0,
        })
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte that is not white space, not consumed.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        let bytes = self.bytes();
        while let Some(&b) = bytes.get(self.at) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.at += 1;
            } else {
                return Some(b);
            }
        }
        None
    }

    /// Consumes `byte`, after white space; `None` if something else comes.
    pub(crate) fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Where the next value starts (after white space).
    pub(crate) fn position(&mut self) -> usize {
        self.peek();
        self.at
    }

    /// Whether only white space is left.
    pub(crate) fn at_end(&mut self) -> bool {
        self.peek().is_none()
    }

    /// The next member of an object whose `{` has been read: its name, with the `:` read;
    /// `Some(None)` when the object's `}` is read instead. `first` tracks the commas.
    pub(crate) fn member(&mut self, first: &mut bool) -> Option<Option<Cow<'a, str>>> {
        if self.peek()? == b'}' {
            self.at += 1;
            return Some(None);
        }
        if !std::mem::take(first) {
            self.eat(b',')?;
        }
        let name = self.string()?;
        self.eat(b':')?;
        Some(Some(name))
    }

    /// Whether an array whose `[` has been read has another element (its comma read); its
    /// `]` is read when it has none.
    pub(crate) fn element(&mut self, first: &mut bool) -> Option<bool> {
        if self.peek()? == b']' {
            self.at += 1;
            return Some(false);
        }
        if !std::mem::take(first) {
            self.eat(b',')?;
        }
        Some(true)
    }

    /// A string, borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.at;
        let bytes = self.bytes();
        let mut escaped = false;
        loop {
            match *bytes.get(self.at)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    // The escaped character is never the closing quote.
                    self.at += 2;
                }
                // JSON refuses raw control characters in strings.
                0..=0x1f => return None,
                _ => self.at += 1,
            }
        }
        let raw = self.text.get(start..self.at)?;
        self.at += 1;
        if escaped {
            EscapedStr::new(raw).to_unescaped().ok()
        } else {
            Some(Cow::Borrowed(raw))
        }
    }

    /// `true` or `false`.
    fn boolean(&mut self) -> Option<bool> {
        let rest = self.bytes().get(self.position()..)?;
        if rest.starts_with(b"true") {
            self.at += 4;
            Some(true)
        } else if rest.starts_with(b"false") {
            self.at += 5;
            Some(false)
        } else {
            None
        }
    }

    /// Skips one whole value of any JSON kind (the members the SDK reads itself).
    pub(crate) fn skip(&mut self) -> Option<()> {
        self.skip_at(0)
    }

    fn skip_at(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => {
                self.at += 1;
                let mut first = true;
                while self.member(&mut first)?.is_some() {
                    self.skip_at(depth + 1)?;
                }
                Some(())
            }
            b'[' => {
                self.at += 1;
                let mut first = true;
                while self.element(&mut first)? {
                    self.skip_at(depth + 1)?;
                }
                Some(())
            }
            b't' | b'f' => self.boolean().map(drop),
            b'n' => {
                let rest = self.bytes().get(self.at..)?;
                rest.starts_with(b"null").then(|| self.at += 4)
            }
            b'-' | b'0'..=b'9' => {
                self.at += number_length(self.bytes().get(self.at..)?)?;
                Some(())
            }
            _ => None,
        }
    }

    /// An item or map (`{…}` of attribute values), and its byte range.
    pub(crate) fn map(&mut self, depth: u32) -> Option<(WireMap<'a>, Range<usize>)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.position();
        self.eat(b'{')?;
        let mut entries = Vec::with_capacity(if depth == 0 { self.hint } else { 0 });
        let mut first = true;
        while let Some(name) = self.member(&mut first)? {
            entries.push((name, self.value(depth + 1)?));
        }
        if depth == 0 {
            self.hint = entries.len();
        }
        Some((WireMap(entries), start..self.at))
    }

    /// One attribute value: an object with one type key and its value.
    fn value(&mut self, depth: u32) -> Option<Wire<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'{')?;
        let key = self.string()?;
        self.eat(b':')?;
        let value = match key.as_ref() {
            "S" => Wire::S(self.string()?),
            "N" => Wire::N(self.string()?),
            "B" => Wire::B(self.binary()?),
            "BOOL" => Wire::Bool(self.boolean()?),
            "NULL" => Wire::Null(self.boolean()?),
            "SS" => Wire::Ss(self.array(Self::string)?),
            "NS" => Wire::Ns(self.array(Self::string)?),
            "BS" => Wire::Bs(self.array(Self::binary)?),
            "L" => Wire::L(self.array(|reader| reader.value(depth + 1))?),
            "M" => Wire::M(self.map(depth + 1)?.0),
            _ => return None,
        };
        self.eat(b'}')?;
        Some(value)
    }

    fn binary(&mut self) -> Option<Vec<u8>> {
        aws_smithy_types::base64::decode(self.string()?.as_ref()).ok()
    }

    /// `[` element, … `]`.
    fn array<T>(&mut self, mut read: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        let mut first = true;
        while self.element(&mut first)? {
            items.push(read(self)?);
        }
        Some(items)
    }
}

/// The length of the JSON number `rest` starts with: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number_length(rest: &[u8]) -> Option<usize> {
    let digits = |from: usize| {
        rest.get(from..)
            .map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count())
    };
    let mut at = usize::from(rest.first() == Some(&b'-'));
    match rest.get(at)? {
        b'0' => at += 1,
        b'1'..=b'9' => at += digits(at),
        _ => return None,
    }
    if rest.get(at) == Some(&b'.') {
        let fraction = digits(at + 1);
        if fraction == 0 {
            return None;
        }
        at += 1 + fraction;
    }
    if matches!(rest.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(rest.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exponent = digits(at);
        if exponent == 0 {
            return None;
        }
        at += exponent;
    }
    Some(at)
}

/// An item or map in DynamoDB's JSON wire format, names in order: what [`Reader`] reads back
/// (a migration's checkpoint).
pub(crate) fn write_json(map: &super::AttributeMap) -> String {
    let mut out = String::new();
    write_map(&mut out, map);
    out
}

fn write_map(out: &mut String, map: &super::AttributeMap) {
    let mut names: Vec<&String> = map.keys().collect();
    names.sort();
    out.push('{');
    for (i, name) in names.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, name);
        out.push(':');
        write_value(out, &map[name]);
    }
    out.push('}');
}

fn write_value(out: &mut String, value: &aws_sdk_dynamodb::types::AttributeValue) {
    use aws_sdk_dynamodb::types::AttributeValue as V;
    let b64 = |b: &aws_sdk_dynamodb::primitives::Blob| aws_smithy_types::base64::encode(b.as_ref());
    let list = |out: &mut String, tag: &str, items: &mut dyn Iterator<Item = String>, quoted: bool| {
        out.push_str(&format!("{{\"{tag}\":["));
        for (i, item) in items.enumerate() {
            if i > 0 {
                out.push(',');
            }
            if quoted {
                write_string(out, &item);
            } else {
                out.push_str(&item);
            }
        }
        out.push_str("]}");
    };
    match value {
        V::S(s) => {
            out.push_str("{\"S\":");
            write_string(out, s);
            out.push('}');
        }
        V::N(n) => {
            out.push_str("{\"N\":");
            write_string(out, n);
            out.push('}');
        }
        V::B(b) => {
            out.push_str("{\"B\":");
            write_string(out, &b64(b));
            out.push('}');
        }
        V::Bool(b) => out.push_str(&format!("{{\"BOOL\":{b}}}")),
        V::Null(b) => out.push_str(&format!("{{\"NULL\":{b}}}")),
        V::Ss(items) => list(out, "SS", &mut items.iter().cloned(), true),
        V::Ns(items) => list(out, "NS", &mut items.iter().cloned(), true),
        V::Bs(items) => list(out, "BS", &mut items.iter().map(b64), true),
        V::L(items) => {
            let mut texts = items.iter().map(|item| {
                let mut text = String::new();
                write_value(&mut text, item);
                text
            });
            list(out, "L", &mut texts, false);
        }
        V::M(map) => {
            out.push_str("{\"M\":");
            write_map(out, map);
            out.push('}');
        }
        // A type this SDK does not know cannot be written back faithfully: NULL marks it.
        _ => out.push_str("{\"NULL\":true}"),
    }
}

/// A JSON string: quotes, backslashes and control characters escaped.
fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}
