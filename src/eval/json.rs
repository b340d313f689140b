//! Strict RFC 8259 JSON reader that builds a compact preorder tree of nodes with byte spans.
//!
//! The tree copies no text: strings and numbers are read back from the source on demand, so
//! accessors that return text take the `src` that was parsed. Nodes (16 bytes each) are in
//! preorder; a container records its subtree size, so the next sibling of `id` is
//! `id + size`. An object's children alternate key node, value node.
//!
//! Decisions beyond RFC 8259:
//! - a leading UTF-8 byte order mark is skipped (spans still count it);
//! - nesting is limited to [`MAX_DEPTH`] containers, checked on an explicit stack, so deep
//!   input is an error, never a stack overflow;
//! - a key given twice in one object is not an error: see [`JsonTree::duplicate_keys`];
//! - sources longer than `u32::MAX` bytes are rejected (offsets are stored as `u32`);
//! - an id that did not come from the tree behaves like a `null` with an empty span.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// Index of a node in a [`JsonTree`]; the root is 0.
pub type NodeId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// Deepest allowed nesting of arrays and objects (the outermost container is level 1).
pub const MAX_DEPTH: usize = 200;

/// Objects with more entries than this are checked for duplicate keys by sorting.
const SMALL_OBJECT: usize = 8;

// `Node::meta`: kind in bits 0..3 (the `JsonKind` discriminant), FLAG in bit 3 (string has
// escapes / boolean is true), child count in bits 4..32 (saturating at LEN_SATURATED).
const KIND_MASK: u32 = 0b111;
const FLAG: u32 = 0b1000;
const LEN_SHIFT: u32 = 4;
const LEN_SATURATED: u32 = u32::MAX >> LEN_SHIFT;
const KINDS: [JsonKind; 6] = [
    JsonKind::Null,
    JsonKind::Bool,
    JsonKind::Number,
    JsonKind::String,
    JsonKind::Array,
    JsonKind::Object,
];

#[derive(Clone, Copy, Debug, Default)]
struct Node {
    start: u32,
    end: u32,
    /// Nodes in the subtree, this one included (1 for scalars).
    size: u32,
    meta: u32,
}

impl Node {
    fn kind(self) -> JsonKind {
        KINDS
            .get((self.meta & KIND_MASK) as usize)
            .copied()
            .unwrap_or(JsonKind::Null)
    }
    fn flag(self) -> bool {
        self.meta & FLAG != 0
    }
    /// Subtree size, never 0, so walks always advance.
    fn step(self) -> u32 {
        self.size.max(1)
    }
    /// The text between the quotes of a string node, as written.
    fn inner(self, src: &str) -> &str {
        let (s, e) = (self.start as usize, self.end as usize);
        src.get(s + 1..e.saturating_sub(1)).unwrap_or("")
    }
    /// The unescaped text of a string node.
    fn text(self, src: &str) -> Cow<'_, str> {
        let raw = self.inner(src);
        match self.flag() {
            true => unescape(raw).map_or(Cow::Borrowed(raw), Cow::Owned),
            false => Cow::Borrowed(raw),
        }
    }
}

/// A parsed JSON document.
#[derive(Clone, Debug)]
pub struct JsonTree {
    nodes: Vec<Node>,
    /// `(first key node, repeated key node)` for every key given twice in one object (after
    /// unescaping), in document order of the repeated key. A key given three times yields
    /// two pairs, both naming the first occurrence.
    pub duplicate_keys: Vec<(NodeId, NodeId)>,
}

/// Why a text is not valid JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    /// Plain English, e.g. "expected ',' or '}' after an object entry".
    pub message: String,
    /// Byte offset in the source where it went wrong.
    pub offset: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for JsonError {}

fn fail<T>(message: impl Into<String>, offset: usize) -> Result<T, JsonError> {
    let message = message.into();
    Err(JsonError { message, offset })
}

/// Parses `src` strictly; see the module documentation for the decisions taken.
pub fn parse(src: &str) -> Result<JsonTree, JsonError> {
    if u32::try_from(src.len()).is_err() {
        return fail("input larger than 4 GiB is not supported", 0);
    }
    let mut p = Parser {
        src,
        b: src.as_bytes(),
        pos: if src.starts_with('\u{feff}') { 3 } else { 0 },
        nodes: Vec::with_capacity((src.len() / 16).clamp(16, 1 << 20)),
        stack: Vec::new(),
        dups: Vec::new(),
        keys: Vec::new(),
        sorted: Vec::new(),
    };
    p.run()?;
    let mut duplicate_keys = p.dups;
    duplicate_keys.sort_unstable_by_key(|&(_, repeated)| repeated);
    let mut nodes = p.nodes;
    nodes.shrink_to_fit();
    Ok(JsonTree {
        nodes,
        duplicate_keys,
    })
}

/// 1-based line and 1-based column (counted in chars) of a byte offset. An offset past the
/// end counts as the end, one inside a multi-byte character as that character.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut off = offset.min(src.len());
    while !src.is_char_boundary(off) {
        off -= 1;
    }
    let before = src.get(..off).unwrap_or("");
    let line = before.bytes().filter(|&c| c == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

struct Frame {
    node: usize,
    count: u32,
    object: bool,
    /// Where this object's keys start in `Parser::keys`.
    key_base: usize,
}

struct Parser<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
    nodes: Vec<Node>,
    stack: Vec<Frame>,
    dups: Vec<(NodeId, NodeId)>,
    /// Key nodes of the objects being parsed, innermost last.
    keys: Vec<(NodeId, Node)>,
    /// Scratch space for checking a large object.
    sorted: Vec<(Cow<'s, str>, NodeId)>,
}

/// Index of the first quote, backslash or control character at or after `i` (or the end).
/// Eight bytes at a time: the classic "has a zero byte" test marks candidate bytes, and the
/// lowest marked byte is always a true match.
fn scan_string(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    while let Some(chunk) = b.get(i..).and_then(|s| s.first_chunk::<8>()) {
        let w = u64::from_le_bytes(*chunk);
        let (quote, backslash) = (w ^ (ONES * 0x22), w ^ (ONES * 0x5C));
        let marks = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (w.wrapping_sub(ONES * 0x20) & !w);
        let marks = marks & (ONES * 0x80);
        if marks != 0 {
            return i + (marks.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    let rest = b.get(i..).unwrap_or(&[]);
    let stop = |&c: &u8| c == b'"' || c == b'\\' || c < 0x20;
    i + rest.iter().position(stop).unwrap_or(rest.len())
}

fn skip_digits(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

impl<'s> Parser<'s> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        let mut i = self.pos;
        // Whitespace bytes are all <= b' ', so most calls stop at the first test.
        while let Some(&c) = self.b.get(i) {
            if c > b' ' || !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            i += 1;
        }
        self.pos = i;
    }

    /// Offsets fit in u32 because `parse` rejects longer sources.
    fn push(&mut self, start: usize, end: usize, kind: JsonKind, flag: bool) -> usize {
        let meta = kind as u32 | if flag { FLAG } else { 0 };
        let (start, end) = (start as u32, end as u32);
        self.nodes.push(Node {
            start,
            end,
            size: 1,
            meta,
        });
        self.nodes.len() - 1
    }

    fn describe(&self, at: usize) -> String {
        match self.src.get(at..).and_then(|s| s.chars().next()) {
            Some(c) if c.is_control() => format!("U+{:04X}", c as u32),
            Some(c) => format!("'{c}'"),
            None => "end of input".to_string(),
        }
    }

    fn eof<T>(&self) -> Result<T, JsonError> {
        let message = match self.stack.last() {
            None => "unexpected end of input, expected a JSON value",
            Some(f) if f.object => "unexpected end of input inside an object",
            Some(_) => "unexpected end of input inside an array",
        };
        fail(message, self.b.len())
    }

    fn run(&mut self) -> Result<(), JsonError> {
        'value: loop {
            self.skip_ws();
            let start = self.pos;
            match self.peek() {
                None => return self.eof(),
                Some(c @ (b'[' | b'{')) => {
                    if self.stack.len() >= MAX_DEPTH {
                        return fail(format!("nesting deeper than {MAX_DEPTH} levels"), start);
                    }
                    let object = c == b'{';
                    let kind = if object {
                        JsonKind::Object
                    } else {
                        JsonKind::Array
                    };
                    let node = self.push(start, start, kind, false);
                    let key_base = self.keys.len();
                    self.stack.push(Frame {
                        node,
                        count: 0,
                        object,
                        key_base,
                    });
                    self.pos += 1;
                    self.skip_ws();
                    match (object, self.peek()) {
                        (true, Some(b'}')) | (false, Some(b']')) => self.close(),
                        (true, _) => {
                            self.key(false)?;
                            continue 'value;
                        }
                        (false, _) => continue 'value,
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal("true", JsonKind::Bool, true)?,
                Some(b'f') => self.literal("false", JsonKind::Bool, false)?,
                Some(b'n') => self.literal("null", JsonKind::Null, false)?,
                Some(_) => {
                    let c = self.describe(start);
                    return fail(
                        format!("unexpected character {c}, expected a JSON value"),
                        start,
                    );
                }
            }
            // A value is complete: go on with its container, if any.
            while let Some(frame) = self.stack.last_mut() {
                frame.count = frame.count.saturating_add(1);
                let object = frame.object;
                self.skip_ws();
                match (object, self.peek()) {
                    (_, Some(b',')) => {
                        self.pos += 1;
                        self.skip_ws();
                        if object {
                            self.key(true)?;
                        } else if self.peek() == Some(b']') {
                            return fail("trailing comma before ']' in an array", self.pos);
                        }
                        continue 'value;
                    }
                    (false, Some(b']')) | (true, Some(b'}')) => self.close(),
                    (false, Some(_)) => {
                        return fail("expected ',' or ']' after an array item", self.pos);
                    }
                    (true, Some(_)) => {
                        return fail("expected ',' or '}' after an object entry", self.pos);
                    }
                    (_, None) => return self.eof(),
                }
            }
            break;
        }
        self.skip_ws();
        if self.pos < self.b.len() {
            return fail("trailing characters after the JSON value", self.pos);
        }
        Ok(())
    }

    /// Parses `"key"` and the following `:`; whitespace before the key is already skipped.
    fn key(&mut self, after_comma: bool) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'"') => {
                let id = self.string()?;
                let node = self.nodes.get(id).copied().unwrap_or_default();
                self.keys.push((id as NodeId, node));
            }
            None => return self.eof(),
            Some(b'}') if after_comma => {
                return fail("trailing comma before '}' in an object", self.pos);
            }
            Some(_) if after_comma => {
                return fail("expected a string key after ',' in an object", self.pos);
            }
            Some(_) => return fail("expected a string key or '}' after '{'", self.pos),
        }
        self.skip_ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            None => self.eof(),
            Some(_) => fail("expected ':' after an object key", self.pos),
        }
    }

    /// Closes the innermost container; `pos` is at its closing bracket.
    fn close(&mut self) {
        self.pos += 1;
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let size = (self.nodes.len() - frame.node) as u32;
        if let Some(n) = self.nodes.get_mut(frame.node) {
            n.end = self.pos as u32;
            n.size = size;
            n.meta |= frame.count.min(LEN_SATURATED) << LEN_SHIFT;
        }
        if frame.object {
            if frame.count >= 2 {
                self.find_duplicates(frame.key_base);
            }
            self.keys.truncate(frame.key_base);
        }
    }

    fn literal(&mut self, word: &str, kind: JsonKind, value: bool) -> Result<(), JsonError> {
        let start = self.pos;
        if !self
            .b
            .get(start..)
            .unwrap_or(&[])
            .starts_with(word.as_bytes())
        {
            return fail("invalid literal (expected true, false or null)", start);
        }
        self.pos += word.len();
        self.push(start, self.pos, kind, value);
        Ok(())
    }

    fn number(&mut self) -> Result<(), JsonError> {
        let (b, start) = (self.b, self.pos);
        let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        let mut i = start + usize::from(b.get(start) == Some(&b'-'));
        match b.get(i) {
            Some(b'0') if digit(i + 1) => return fail("number with leading zero", start),
            Some(b'0'..=b'9') => i = skip_digits(b, i),
            _ => return fail("expected a digit after '-'", i),
        }
        if b.get(i) == Some(&b'.') {
            if !digit(i + 1) {
                return fail("expected a digit after the decimal point", i + 1);
            }
            i = skip_digits(b, i + 1);
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1 + usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
            if !digit(i) {
                return fail("expected a digit in the exponent", i);
            }
            i = skip_digits(b, i);
        }
        self.pos = i;
        self.push(start, i, JsonKind::Number, false);
        Ok(())
    }

    /// Parses a string starting at its opening quote, pushes its node and returns its index.
    fn string(&mut self) -> Result<usize, JsonError> {
        let (b, start) = (self.b, self.pos);
        let mut i = start + 1;
        let mut escaped = false;
        loop {
            i = scan_string(b, i);
            match b.get(i) {
                None => return fail("unterminated string", start),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    i = self.escape(start, i)?;
                }
                Some(_) => {
                    let c = self.describe(i);
                    return fail(
                        format!("control character in string ({c} must be escaped)"),
                        i,
                    );
                }
            }
        }
        self.pos = i + 1;
        Ok(self.push(start, self.pos, JsonKind::String, escaped))
    }

    /// Checks the escape whose backslash is at `i`; returns the offset just past it.
    fn escape(&self, string_start: usize, i: usize) -> Result<usize, JsonError> {
        let b = self.b;
        let hex = |at: usize| b.get(at..at + 4).and_then(hex4);
        let lone = || {
            fail(
                format!("lone surrogate {}", self.src.get(i..i + 6).unwrap_or("")),
                i,
            )
        };
        let bad_hex = |at| fail("invalid \\u escape: expected 4 hex digits", at);
        match b.get(i + 1) {
            None => fail("unterminated string", string_start),
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
            Some(b'u') => match hex(i + 2) {
                None => bad_hex(i),
                Some(0xDC00..=0xDFFF) => lone(),
                Some(0xD800..=0xDBFF) if b.get(i + 6..i + 8) != Some(b"\\u") => lone(),
                Some(0xD800..=0xDBFF) => match hex(i + 8) {
                    Some(0xDC00..=0xDFFF) => Ok(i + 12),
                    Some(_) => lone(),
                    None => bad_hex(i + 6),
                },
                Some(_) => Ok(i + 6),
            },
            Some(_) => {
                let shown = match self.src.get(i + 1..).and_then(|s| s.chars().next()) {
                    Some(c) if c.is_control() => format!("followed by U+{:04X}", c as u32),
                    Some(c) => c.to_string(),
                    None => String::new(),
                };
                fail(format!("invalid escape \\{shown}"), i)
            }
        }
    }

    /// Records duplicates among `keys[base..]`, the keys of the object being closed.
    fn find_duplicates(&mut self, base: usize) {
        let (src, b) = (self.src, self.b);
        let keys = self.keys.get(base..).unwrap_or(&[]);
        if keys.len() <= SMALL_OBJECT {
            for (j, &(kj, nj)) in keys.iter().enumerate() {
                let same = |&&(_, ni): &&(NodeId, Node)| match ni.flag() || nj.flag() {
                    true => ni.text(src) == nj.text(src),
                    false => {
                        ni.end - ni.start == nj.end - nj.start
                            && b.get(ni.start as usize..ni.end as usize)
                                == b.get(nj.start as usize..nj.end as usize)
                    }
                };
                if let Some(&(first, _)) = keys.iter().take(j).find(same) {
                    self.dups.push((first, kj));
                }
            }
            return;
        }
        self.sorted.clear();
        self.sorted
            .extend(keys.iter().map(|&(k, n)| (n.text(src), k)));
        self.sorted.sort_unstable();
        for pair in self.sorted.chunk_by(|a, b| a.0 == b.0) {
            if let Some(((_, first), rest)) = pair.split_first() {
                self.dups.extend(rest.iter().map(|&(_, k)| (*first, k)));
            }
        }
    }
}

fn hex4(h: &[u8]) -> Option<u32> {
    h.iter()
        .try_fold(0, |acc, &c| Some(acc * 16 + (c as char).to_digit(16)?))
}

/// Decodes the escapes of a validated string body; `None` if it is malformed.
fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(p) = rest.find('\\') {
        out.push_str(rest.get(..p)?);
        let esc = rest.get(p + 1..)?.as_bytes();
        let hex = |at: usize| esc.get(at..at + 4).and_then(hex4);
        let (c, used) = match esc.first()? {
            b'"' => ('"', 1),
            b'\\' => ('\\', 1),
            b'/' => ('/', 1),
            b'b' => ('\u{8}', 1),
            b'f' => ('\u{c}', 1),
            b'n' => ('\n', 1),
            b'r' => ('\r', 1),
            b't' => ('\t', 1),
            b'u' => match hex(1)? {
                hi @ 0xD800..=0xDBFF if esc.get(5..7)? == b"\\u" => match hex(7)? {
                    lo @ 0xDC00..=0xDFFF => {
                        let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        (char::from_u32(c)?, 11)
                    }
                    _ => return None,
                },
                cp => (char::from_u32(cp)?, 5),
            },
            _ => return None,
        };
        out.push(c);
        rest = rest.get(p + 1 + used..)?;
    }
    out.push_str(rest);
    Some(out)
}

impl JsonTree {
    fn node(&self, id: NodeId) -> Node {
        self.nodes.get(id as usize).copied().unwrap_or_default()
    }

    /// Walks the children of `id` if it has kind `kind`.
    fn children(&self, id: NodeId, kind: JsonKind) -> impl Iterator<Item = NodeId> + '_ {
        let n = self.node(id);
        let ok = n.kind() == kind && (id as usize) < self.nodes.len();
        let end = if ok { id.saturating_add(n.step()) } else { 0 };
        let mut next = id.saturating_add(1);
        std::iter::from_fn(move || {
            let this = next;
            next = this.saturating_add(self.node(this).step());
            (this < end).then_some(this)
        })
    }

    /// The id of the top-level value.
    pub fn root(&self) -> NodeId {
        0
    }

    /// Number of nodes (object keys count as nodes).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn kind(&self, id: NodeId) -> JsonKind {
        self.node(id).kind()
    }

    /// Byte range of the whole value in the source (strings include their quotes).
    pub fn span(&self, id: NodeId) -> Range<usize> {
        let n = self.node(id);
        n.start as usize..n.end as usize
    }

    pub fn as_bool(&self, id: NodeId) -> Option<bool> {
        let n = self.node(id);
        (n.kind() == JsonKind::Bool).then(|| n.flag())
    }

    /// The literal text of a number, e.g. `-12.50e3`.
    pub fn number_text<'s>(&self, src: &'s str, id: NodeId) -> Option<&'s str> {
        let n = self.node(id);
        (n.kind() == JsonKind::Number).then(|| src.get(self.span(id)))?
    }

    /// The unescaped value of a string or key; borrowed when it has no escapes. `None` for
    /// other kinds, or if `src` is not the text that was parsed.
    pub fn string<'s>(&self, src: &'s str, id: NodeId) -> Option<Cow<'s, str>> {
        let n = self.node(id);
        if n.kind() != JsonKind::String {
            return None;
        }
        let raw = src.get(n.start as usize + 1..(n.end as usize).checked_sub(1)?)?;
        match n.flag() {
            true => unescape(raw).map(Cow::Owned),
            false => Some(Cow::Borrowed(raw)),
        }
    }

    /// Items of an array, entries of an object, 0 for anything else.
    pub fn len(&self, id: NodeId) -> usize {
        let n = self.node(id);
        match (n.kind(), n.meta >> LEN_SHIFT) {
            (JsonKind::Array | JsonKind::Object, len) if len < LEN_SATURATED => len as usize,
            (JsonKind::Array, _) => self.items(id).count(),
            (JsonKind::Object, _) => self.entries(id).count(),
            _ => 0,
        }
    }

    /// The items of an array in order; nothing for other kinds.
    pub fn items(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.children(id, JsonKind::Array)
    }

    /// `(key node, value node)` of an object in document order; nothing for other kinds.
    pub fn entries(&self, id: NodeId) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        let mut children = self.children(id, JsonKind::Object);
        std::iter::from_fn(move || Some((children.next()?, children.next()?)))
    }

    /// The value of the first entry of object `id` whose (unescaped) key equals `key`.
    pub fn get(&self, src: &str, id: NodeId, key: &str) -> Option<NodeId> {
        self.entries(id).find_map(|(k, v)| {
            let n = self.node(k);
            let hit = match n.flag() {
                true => n.text(src) == key,
                false => n.inner(src) == key,
            };
            hit.then_some(v)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> JsonError {
        match parse(src) {
            Ok(_) => panic!("expected an error for {src:?}"),
            Err(e) => e,
        }
    }

    fn assert_err(src: &str, message: &str, offset: usize) {
        let e = err(src);
        assert_eq!(e.message, message, "message for {src:?}");
        assert_eq!(e.offset, offset, "offset for {src:?}");
    }

    fn text<'s>(t: &JsonTree, src: &'s str, id: NodeId) -> &'s str {
        &src[t.span(id)]
    }

    #[test]
    fn node_is_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Node>(), 16);
    }

    #[test]
    fn scalars() {
        for (src, kind) in [
            ("null", JsonKind::Null),
            ("true", JsonKind::Bool),
            ("false", JsonKind::Bool),
            ("0", JsonKind::Number),
            ("-12.50e3", JsonKind::Number),
            ("\"hi\"", JsonKind::String),
            ("[]", JsonKind::Array),
            ("{}", JsonKind::Object),
        ] {
            let t = parse(src).unwrap();
            assert_eq!(t.kind(t.root()), kind, "{src}");
            assert_eq!(t.span(t.root()), 0..src.len(), "{src}");
            assert_eq!(t.node_count(), 1);
            assert!(t.duplicate_keys.is_empty());
        }
        let t = parse(" true ").unwrap();
        assert_eq!(t.as_bool(0), Some(true));
        assert_eq!(t.span(0), 1..5);
        assert_eq!(parse("false").unwrap().as_bool(0), Some(false));
        assert_eq!(parse("null").unwrap().as_bool(0), None);
        let src = "\t-12.50e3\r\n";
        let t = parse(src).unwrap();
        assert_eq!(t.number_text(src, 0), Some("-12.50e3"));
        assert_eq!(t.string(src, 0), None);
        for n in [
            "0",
            "-0",
            "0.5",
            "1e5",
            "1E+5",
            "1e-5",
            "123456789012345678901234567890",
        ] {
            assert_eq!(parse(n).unwrap().number_text(n, 0), Some(n));
        }
    }

    #[test]
    fn nested_spans_and_navigation() {
        let src = r#" {"a": [1, {"b": null}, "x"], "c": {}, "d": [] , "e": true} "#;
        let t = parse(src).unwrap();
        let root = t.root();
        assert_eq!(t.kind(root), JsonKind::Object);
        assert_eq!(text(&t, src, root), src.trim());
        assert_eq!(t.len(root), 4);
        let keys: Vec<String> = t
            .entries(root)
            .map(|(k, _)| t.string(src, k).unwrap().into_owned())
            .collect();
        assert_eq!(keys, ["a", "c", "d", "e"]);
        let a = t.get(src, root, "a").unwrap();
        assert_eq!(text(&t, src, a), r#"[1, {"b": null}, "x"]"#);
        assert_eq!(t.len(a), 3);
        let items: Vec<NodeId> = t.items(a).collect();
        assert_eq!(items.len(), 3);
        assert_eq!(text(&t, src, items[0]), "1");
        assert_eq!(text(&t, src, items[1]), r#"{"b": null}"#);
        assert_eq!(text(&t, src, items[2]), r#""x""#);
        let b = t.get(src, items[1], "b").unwrap();
        assert_eq!(t.kind(b), JsonKind::Null);
        assert_eq!(text(&t, src, b), "null");
        let (bk, _) = t.entries(items[1]).next().unwrap();
        assert_eq!(text(&t, src, bk), r#""b""#);
        let c = t.get(src, root, "c").unwrap();
        assert_eq!(
            (t.kind(c), t.len(c), text(&t, src, c)),
            (JsonKind::Object, 0, "{}")
        );
        assert_eq!(t.entries(c).count(), 0);
        let d = t.get(src, root, "d").unwrap();
        assert_eq!(
            (t.kind(d), t.len(d), text(&t, src, d)),
            (JsonKind::Array, 0, "[]")
        );
        assert_eq!(t.as_bool(t.get(src, root, "e").unwrap()), Some(true));
        assert_eq!(t.get(src, root, "zzz"), None);
        // Wrong kinds and foreign ids give nothing, never a panic.
        assert_eq!(t.items(root).count(), 0);
        assert_eq!(t.entries(a).count(), 0);
        assert_eq!(t.get(src, a, "a"), None);
        assert_eq!(t.len(b), 0);
        assert_eq!(t.kind(9999), JsonKind::Null);
        assert_eq!(t.span(9999), 0..0);
        assert_eq!(t.items(9999).count(), 0);
        assert_eq!(t.string("", 1), None);
        assert_eq!(t.number_text("", items[0]), None);
    }

    #[test]
    fn next_sibling_is_id_plus_size() {
        let src = r#"[[1,[2,3]],{"k":[4]},5]"#;
        let t = parse(src).unwrap();
        let ids: Vec<NodeId> = t.items(0).collect();
        assert_eq!(ids, [1, 6, 10]);
        assert_eq!(t.node_count(), 11);
    }

    #[test]
    fn strings_and_escapes() {
        let src =
            r#"["plain", "a\"b\\c\/d\b\f\n\r\t", "\u00e9\u4E2D", "\ud83d\ude00!", "中文", ""]"#;
        let t = parse(src).unwrap();
        let v: Vec<Cow<str>> = t.items(0).map(|i| t.string(src, i).unwrap()).collect();
        assert!(matches!(v[0], Cow::Borrowed("plain")));
        assert_eq!(v[1], "a\"b\\c/d\u{8}\u{c}\n\r\t");
        assert!(matches!(v[1], Cow::Owned(_)));
        assert_eq!(v[2], "é中");
        assert_eq!(v[3], "😀!");
        assert!(matches!(v[4], Cow::Borrowed("中文")));
        assert_eq!(v[5], "");
        // Keys are unescaped for `get` too.
        let src = r#"{"\u0061b": 1, "c\n": 2}"#;
        let t = parse(src).unwrap();
        assert_eq!(t.get(src, 0, "ab").map(|v| text(&t, src, v)), Some("1"));
        assert_eq!(t.get(src, 0, "c\n").map(|v| text(&t, src, v)), Some("2"));
        assert_eq!(t.get(src, 0, "\\u0061b"), None);
    }

    #[test]
    fn every_error_kind() {
        assert_err("", "unexpected end of input, expected a JSON value", 0);
        assert_err("   ", "unexpected end of input, expected a JSON value", 3);
        assert_err("[1,", "unexpected end of input inside an array", 3);
        assert_err("[1", "unexpected end of input inside an array", 2);
        assert_err("{\"a\":1", "unexpected end of input inside an object", 6);
        assert_err("{\"a\"", "unexpected end of input inside an object", 4);
        assert_err("{", "unexpected end of input inside an object", 1);
        assert_err("[1 2]", "expected ',' or ']' after an array item", 3);
        assert_err(
            "{\"a\":1 \"b\":2}",
            "expected ',' or '}' after an object entry",
            7,
        );
        assert_err("{\"a\":1]", "expected ',' or '}' after an object entry", 6);
        assert_err("[1}", "expected ',' or ']' after an array item", 2);
        assert_err("{\"a\" 1}", "expected ':' after an object key", 5);
        assert_err("{1:2}", "expected a string key or '}' after '{'", 1);
        assert_err(
            "{\"a\":1,2}",
            "expected a string key after ',' in an object",
            7,
        );
        assert_err("{\"a\":1,}", "trailing comma before '}' in an object", 7);
        assert_err("[1, ]", "trailing comma before ']' in an array", 4);
        assert_err("[,1]", "unexpected character ',', expected a JSON value", 1);
        assert_err(
            "{\"a\":}",
            "unexpected character '}', expected a JSON value",
            5,
        );
        assert_err("'x'", "unexpected character ''', expected a JSON value", 0);
        assert_err(
            "\u{1}",
            "unexpected character U+0001, expected a JSON value",
            0,
        );
        assert_err("[1] x", "trailing characters after the JSON value", 4);
        assert_err("1 2", "trailing characters after the JSON value", 2);
        assert_err("nul", "invalid literal (expected true, false or null)", 0);
        assert_err("[tru]", "invalid literal (expected true, false or null)", 1);
        assert_err("True", "unexpected character 'T', expected a JSON value", 0);
        assert_err("truex", "trailing characters after the JSON value", 4);
        assert_err("\"abc", "unterminated string", 0);
        assert_err("[\"abc\\", "unterminated string", 1);
        assert_err("\"a\\qb\"", "invalid escape \\q", 2);
        assert_err("\"a\\\nb\"", "invalid escape \\followed by U+000A", 2);
        assert_err(
            "\"a\nb\"",
            "control character in string (U+000A must be escaped)",
            2,
        );
        assert_err(
            "\"a\tb\"",
            "control character in string (U+0009 must be escaped)",
            2,
        );
        assert_err("\"\\u12\"", "invalid \\u escape: expected 4 hex digits", 1);
        assert_err(
            "\"\\u12g4\"",
            "invalid \\u escape: expected 4 hex digits",
            1,
        );
        assert_err(
            "\"\\u+123\"",
            "invalid \\u escape: expected 4 hex digits",
            1,
        );
        assert_err("\"\\ud800\"", "lone surrogate \\ud800", 1);
        assert_err("\"x\\uD800\\u0041\"", "lone surrogate \\uD800", 2);
        assert_err(
            "\"\\ud800\\uzzzz\"",
            "invalid \\u escape: expected 4 hex digits",
            7,
        );
        assert_err("\"\\udc00\"", "lone surrogate \\udc00", 1);
        assert_err("\"\\ude00\\ud83d\"", "lone surrogate \\ude00", 1);
        assert_err("01", "number with leading zero", 0);
        assert_err("[-00]", "number with leading zero", 1);
        assert_err("-", "expected a digit after '-'", 1);
        assert_err("-a", "expected a digit after '-'", 1);
        assert_err("1.", "expected a digit after the decimal point", 2);
        assert_err("1.e5", "expected a digit after the decimal point", 2);
        assert_err("1e", "expected a digit in the exponent", 2);
        assert_err("1e+", "expected a digit in the exponent", 3);
        assert_err(".5", "unexpected character '.', expected a JSON value", 0);
        assert_err("+1", "unexpected character '+', expected a JSON value", 0);
        assert_err("NaN", "unexpected character 'N', expected a JSON value", 0);
        assert_err("[1.5e3x]", "expected ',' or ']' after an array item", 6);
        let deep = format!("{}{}", "[".repeat(201), "]".repeat(201));
        assert_err(&deep, "nesting deeper than 200 levels", 200);
        let e = JsonError {
            message: "m".into(),
            offset: 3,
        };
        assert_eq!(e.to_string(), "m at byte 3");
    }

    #[test]
    fn deep_nesting() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let t = parse(&ok).unwrap();
        assert_eq!(t.node_count(), MAX_DEPTH);
        let ok = format!("{}1{}", "{\"a\":".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let bad = format!(
            "{}1{}",
            "{\"a\":".repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(err(&bad).message, "nesting deeper than 200 levels");
        let huge = "[".repeat(100_000);
        assert_eq!(err(&huge).message, "nesting deeper than 200 levels");
        let huge = "{\"k\":[".repeat(100_000);
        assert_eq!(err(&huge).message, "nesting deeper than 200 levels");
    }

    #[test]
    fn duplicate_keys_small_and_large() {
        let src = r#"{"a":1,"b":2,"a":3,"\u0062":4,"a":5}"#;
        let t = parse(src).unwrap();
        let names: Vec<(String, String)> = t
            .duplicate_keys
            .iter()
            .map(|&(f, r)| (text(&t, src, f).to_string(), text(&t, src, r).to_string()))
            .collect();
        assert_eq!(
            names,
            [
                ("\"a\"".into(), "\"a\"".into()),
                ("\"b\"".into(), "\"\\u0062\"".into()),
                ("\"a\"".into(), "\"a\"".into())
            ]
        );
        assert_eq!(t.duplicate_keys, [(1, 5), (3, 7), (1, 9)]);
        // `get` returns the first value.
        assert_eq!(t.get(src, 0, "a").map(|v| text(&t, src, v)), Some("1"));

        // A large object uses the sorting path; results must be identical in shape.
        let mut big = String::from("{");
        for i in 0..50 {
            big.push_str(&format!("\"k{}\":{i},", i % 20));
        }
        big.push_str("\"k\\u0030\":0}");
        let t = parse(&big).unwrap();
        assert_eq!(t.len(0), 51);
        assert_eq!(t.duplicate_keys.len(), 31);
        let mut seen = std::collections::HashMap::new();
        let mut expected = Vec::new();
        for (k, _) in t.entries(0) {
            let name = t.string(&big, k).unwrap().into_owned();
            match seen.get(&name) {
                Some(&first) => expected.push((first, k)),
                None => {
                    seen.insert(name, k);
                }
            }
        }
        assert_eq!(t.duplicate_keys, expected);

        // Nested objects: reported in document order of the repeated key.
        let src = r#"{"a":1,"a":{"x":1,"x":2},"b":{"y":{"z":0,"z":1}},"b":0}"#;
        let t = parse(src).unwrap();
        let reps: Vec<&str> = t
            .duplicate_keys
            .iter()
            .map(|&(f, r)| {
                assert!(f < r);
                &src[t.span(r).start..]
            })
            .map(|s| &s[..3])
            .collect();
        assert_eq!(reps, ["\"a\"", "\"x\"", "\"z\"", "\"b\""]);
        assert!(
            parse(r#"{"a":1,"A":2,"ab":3}"#)
                .unwrap()
                .duplicate_keys
                .is_empty()
        );
    }

    #[test]
    fn bom_is_skipped() {
        let src = "\u{feff}{\"a\": 1}";
        let t = parse(src).unwrap();
        assert_eq!(t.span(0), 3..src.len());
        assert_eq!(t.get(src, 0, "a").map(|v| t.span(v)), Some(9..10));
        assert!(parse("\u{feff}").is_err());
        assert!(parse("\u{feff}\u{feff}1").is_err());
    }

    #[test]
    fn line_and_column() {
        let src = "{\n  \"名字\": x\n}";
        let e = err(src);
        assert_eq!(line_col(src, e.offset), (2, 9));
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 1), (1, 2));
        assert_eq!(line_col(src, 2), (2, 1));
        assert_eq!(line_col(src, src.len()), (3, 2));
        assert_eq!(line_col(src, 10_000), (3, 2));
        // Inside a multi-byte char: that char's column.
        assert_eq!(line_col(src, 6), (2, 4));
        assert_eq!(line_col("", 5), (1, 1));
    }

    /// Builds a case-file-like document with `n` staff.
    fn staff_document(n: usize) -> String {
        let mut s = String::from("{\n  \"period\": \"2024-01\",\n  \"staff\": [\n");
        for i in 0..n {
            if i > 0 {
                s.push_str(",\n");
            }
            s.push_str(&format!(
                "    {{\"id\": \"E{i:06}\", \"name\": \"员工\\u{:04x}\", \"salary\": {}.{:02}, \
                 \"active\": {}, \"manager\": null, \"scores\": [{}, -{}.5e-1, 0], \
                 \"tags\": {{\"dept\": \"D{}\", \"level\": {}}}}}",
                0x4e00 + i % 1000,
                3000 + i * 7 % 50_000,
                i % 100,
                i % 2 == 0,
                i % 97,
                i % 13,
                i % 17,
                i % 9
            ));
        }
        s.push_str("\n  ]\n}\n");
        s
    }

    #[test]
    fn big_generated_document() {
        let n = 5_000;
        let src = staff_document(n);
        let t = parse(&src).unwrap();
        assert!(t.duplicate_keys.is_empty());
        let staff = t.get(&src, 0, "staff").unwrap();
        assert_eq!(t.len(staff), n);
        for (i, person) in t.items(staff).enumerate() {
            assert_eq!(t.len(person), 7);
            let id = t.get(&src, person, "id").unwrap();
            assert_eq!(t.string(&src, id).unwrap(), format!("E{i:06}"));
            let name = t
                .string(&src, t.get(&src, person, "name").unwrap())
                .unwrap();
            let expected = char::from_u32(0x4e00 + (i % 1000) as u32).unwrap();
            assert_eq!(name, format!("员工{expected}"));
            let salary = t.get(&src, person, "salary").unwrap();
            assert_eq!(
                t.number_text(&src, salary).unwrap(),
                format!("{}.{:02}", 3000 + i * 7 % 50_000, i % 100)
            );
            let active = t.get(&src, person, "active").unwrap();
            assert_eq!(t.as_bool(active), Some(i % 2 == 0));
            let scores = t.get(&src, person, "scores").unwrap();
            assert_eq!(t.len(scores), 3);
            let tags = t.get(&src, person, "tags").unwrap();
            let level = t.get(&src, tags, "level").unwrap();
            assert_eq!(
                t.number_text(&src, level),
                Some((i % 9).to_string().as_str())
            );
        }
        // Any truncation of a valid document is an error, never a panic.
        let src = staff_document(30);
        for cut in 0..src.trim_end().len() {
            if src.is_char_boundary(cut) && !src[..cut].trim().is_empty() {
                assert!(parse(&src[..cut]).is_err());
            }
        }
    }

    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn duplicates_match_a_naive_check() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let names = [
            "a",
            "b",
            "id",
            "name",
            "salary_base",
            "salary_bases",
            "x\\\\y",
            "é",
        ];
        for round in 0..400 {
            let entries = rng.below(if round % 2 == 0 { 6 } else { 30 }) as usize;
            let mut src = String::from("{");
            for e in 0..entries {
                if e > 0 {
                    src.push(',');
                }
                let name = names[rng.below(names.len() as u64) as usize];
                // Sometimes spell the first letter as a \u escape.
                let key = if rng.below(4) == 0 {
                    let mut chars = name.chars();
                    let first = chars.next().unwrap();
                    format!("\\u{:04x}{}", first as u32, chars.as_str())
                } else {
                    name.to_string()
                };
                src.push_str(&format!("\"{key}\":{e}"));
            }
            src.push('}');
            let t = parse(&src).unwrap();
            let mut first_of = std::collections::HashMap::new();
            let mut expected = Vec::new();
            for (k, _) in t.entries(0) {
                let name = t.string(&src, k).unwrap().into_owned();
                match first_of.get(&name) {
                    Some(&f) => expected.push((f, k)),
                    None => {
                        first_of.insert(name, k);
                    }
                }
            }
            assert_eq!(t.duplicate_keys, expected, "{src}");
        }
    }

    #[test]
    fn mutated_documents_never_panic() {
        let base = staff_document(3).into_bytes();
        let mut rng = XorShift(12345);
        let alphabet = b"{}[]:,\"\\ 0123456789.eE+-tfnu\x01\x7f";
        for _ in 0..3000 {
            let mut doc = base.clone();
            for _ in 0..=rng.below(3) {
                let at = rng.below(doc.len() as u64) as usize;
                let byte = alphabet[rng.below(alphabet.len() as u64) as usize];
                match rng.below(3) {
                    0 => doc[at] = byte,
                    1 => doc.insert(at, byte),
                    _ => {
                        doc.remove(at);
                    }
                }
            }
            let Ok(text) = String::from_utf8(doc) else {
                continue;
            };
            if let Ok(t) = parse(&text) {
                // Walk the whole tree through the public API.
                let mut todo = vec![t.root()];
                while let Some(id) = todo.pop() {
                    let _ = (t.span(id), t.string(&text, id), t.number_text(&text, id));
                    todo.extend(t.items(id));
                    for (k, v) in t.entries(id) {
                        assert!(t.string(&text, k).is_some());
                        todo.push(v);
                    }
                }
            } else if let Err(e) = parse(&text) {
                assert!(e.offset <= text.len());
                let _ = line_col(&text, e.offset);
            }
        }
    }

    /// `cargo test --release -- --ignored --nocapture perf` prints the speed on ~80 MB.
    #[test]
    #[ignore]
    fn perf_80mb() {
        let src = staff_document(500_000);
        let mut took = std::time::Duration::MAX;
        let mut t = parse("0").unwrap();
        for _ in 0..3 {
            let started = std::time::Instant::now();
            t = parse(&src).unwrap();
            took = took.min(started.elapsed());
        }
        println!(
            "{} MB, {} nodes ({} MB of nodes) in {:?}",
            src.len() / 1_000_000,
            t.node_count(),
            t.node_count() * 16 / 1_000_000,
            took
        );
    }
}
