//! A response body kept with holes where one visitor's own words go (their email in the header,
//! their session's form token in every form), so that a signed-in page is rendered and
//! compressed once for everyone who sees the same thing, and each response only fills the holes.
//!
//! The text between the holes is compressed once, each piece on its own (raw deflate ending on
//! a sync flush, so it ends on a byte boundary and needs nothing before it); a response is the
//! gzip header, the pieces with each hole's words between them as *stored* deflate blocks (RFC
//! 1951 §3.2.4: the words as they are, behind a five-byte header), an empty final block and the
//! trailer (CRC-32 and length of the whole text). Compression is flate2's; only the framing that
//! joins its output is ours.

use std::io::Write;
use std::sync::LazyLock;

use axum::body::Bytes;
use flate2::{Compress, Compression, FlushCompress};

/// The marks a page is rendered with in place of a visitor's own words: random for each run of
/// the service, so no text a user writes can name one.
pub(super) struct Marks {
    pub(super) email: String,
    pub(super) token: String,
}

impl Marks {
    /// Both marks, in the order a response's words fill them: the email, then the token.
    pub(super) fn all(&self) -> [&str; 2] {
        [&self.email, &self.token]
    }
}

pub(super) static MARKS: LazyLock<Marks> = LazyLock::new(|| {
    let random = crate::accounts::password::token;
    Marks {
        email: format!("email-{}", random()),
        token: format!("token-{}", random()),
    }
});

/// A body with holes: `pieces[0]`, hole `holes[0]`, `pieces[1]`, …, `pieces[n]`.
#[derive(Debug)]
pub(super) struct Spliced {
    pieces: Vec<Piece>,
    /// Which of the marks each hole is (an index into the words a response fills in).
    holes: Vec<usize>,
}

#[derive(Debug)]
struct Piece {
    plain: Bytes,
    deflated: Bytes,
}

const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
/// An empty, final stored block.
const FINAL_BLOCK: [u8; 5] = [1, 0, 0, 0xff, 0xff];

impl Spliced {
    /// The body cut at every occurrence of `marks`; `None` when it has none.
    pub(super) fn new(body: &[u8], marks: &[&str]) -> Option<Spliced> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (which, mark) in marks.iter().enumerate() {
            let finder = memchr::memmem::Finder::new(mark.as_bytes());
            found.extend(finder.find_iter(body).map(|at| (at, which)));
        }
        if found.is_empty() {
            return None;
        }
        found.sort_unstable();
        let mut pieces = Vec::with_capacity(found.len() + 1);
        let mut holes = Vec::with_capacity(found.len());
        let mut from = 0;
        for (at, which) in found {
            pieces.push(Piece::new(&body[from..at])?);
            holes.push(which);
            from = at + marks[which].len();
        }
        pieces.push(Piece::new(&body[from..])?);
        Some(Spliced { pieces, holes })
    }

    fn parts<'a>(&'a self, words: &'a [&'a str]) -> impl Iterator<Item = Part<'a>> + 'a {
        self.pieces.iter().enumerate().flat_map(move |(i, piece)| {
            let hole = self.holes.get(i).map(|&w| Part::Words(words[w].as_bytes()));
            std::iter::once(Part::Piece(piece)).chain(hole)
        })
    }

    /// The text with `words[i]` in every hole of mark `i`.
    pub(super) fn plain(&self, words: &[&str]) -> Bytes {
        let mut out = Vec::new();
        for part in self.parts(words) {
            out.extend_from_slice(part.plain());
        }
        Bytes::from(out)
    }

    /// The same text, gzipped.
    pub(super) fn gzip(&self, words: &[&str]) -> Bytes {
        let mut out = Vec::new();
        out.extend_from_slice(&GZIP_HEADER);
        let mut crc = flate2::Crc::new();
        for part in self.parts(words) {
            crc.update(part.plain());
            match part {
                Part::Piece(p) => out.extend_from_slice(&p.deflated),
                Part::Words(w) => stored(&mut out, w),
            }
        }
        out.extend_from_slice(&FINAL_BLOCK);
        out.extend_from_slice(&crc.sum().to_le_bytes());
        out.extend_from_slice(&crc.amount().to_le_bytes());
        Bytes::from(out)
    }

    /// The kept bytes (for the cache's bound).
    pub(super) fn size(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| p.plain.len() + p.deflated.len())
            .sum()
    }
}

enum Part<'a> {
    Piece(&'a Piece),
    Words(&'a [u8]),
}

impl Part<'_> {
    fn plain(&self) -> &[u8] {
        match self {
            Part::Piece(p) => &p.plain,
            Part::Words(w) => w,
        }
    }
}

impl Piece {
    fn new(plain: &[u8]) -> Option<Piece> {
        let mut compress = Compress::new(Compression::new(6), false);
        let mut deflated = Vec::with_capacity(plain.len() / 3 + 64);
        let mut input = plain;
        loop {
            deflated.reserve(plain.len() / 4 + 1024);
            let before = compress.total_in();
            compress
                .compress_vec(input, &mut deflated, FlushCompress::Sync)
                .ok()?;
            let used = usize::try_from(compress.total_in() - before).ok()?;
            input = &input[used..];
            // Done when everything went in and the flush had room to finish.
            if input.is_empty() && deflated.len() < deflated.capacity() {
                break;
            }
        }
        Some(Piece {
            plain: Bytes::copy_from_slice(plain),
            deflated: Bytes::from(deflated),
        })
    }
}

/// `words` as stored (uncompressed, non-final) deflate blocks of at most 65,535 bytes each.
fn stored(out: &mut Vec<u8>, words: &[u8]) {
    for chunk in words.chunks(usize::from(u16::MAX)) {
        let len = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
        out.push(0); // BFINAL 0, BTYPE 00 (stored), padded to the byte
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        let _ = out.write_all(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gunzip(bytes: &[u8]) -> String {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(bytes), &mut text)
            .expect("a valid gzip stream");
        text
    }

    #[test]
    fn holes_are_filled_in_plain_and_in_gzip() {
        let rows = "<tr><td>Halton</td><td>61.2%</td></tr>".repeat(300);
        let page = format!(
            "<header>Signed in as EMAIL</header>{rows}<form><input value=\"TOKEN\"></form>\
             {rows}<form><input value=\"TOKEN\"></form><p>the end</p>"
        );
        let spliced = Spliced::new(page.as_bytes(), &["EMAIL", "TOKEN"]).unwrap();
        let words = ["lead@halton.example", "a1b2c3"];
        let expected = page.replace("EMAIL", words[0]).replace("TOKEN", words[1]);
        assert_eq!(spliced.plain(&words), expected.as_bytes());
        let zipped = spliced.gzip(&words);
        assert_eq!(gunzip(&zipped), expected);
        assert!(zipped.len() < expected.len() / 20, "still compressed");
        // Other words, the same kept pieces.
        let other = ["o'brien&co@wigan.example", ""];
        let expected = page.replace("EMAIL", other[0]).replace("TOKEN", "");
        assert_eq!(gunzip(&spliced.gzip(&other)), expected);
    }

    #[test]
    fn marks_at_the_ends_long_words_and_large_pieces_round_trip() {
        let large: String = (0..200_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let page = format!("EMAIL{large}EMAIL");
        let spliced = Spliced::new(page.as_bytes(), &["EMAIL"]).unwrap();
        let long = "x".repeat(70_000);
        assert_eq!(
            gunzip(&spliced.gzip(&[&long])),
            page.replace("EMAIL", &long)
        );
        assert!(Spliced::new(b"no marks here", &["EMAIL"]).is_none());
    }

    #[test]
    fn the_marks_are_random_and_survive_html_escaping() {
        for mark in [&MARKS.email, &MARKS.token] {
            assert!(mark.len() > 20);
            assert!(mark.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        }
        assert_ne!(MARKS.email, MARKS.token);
    }
}
