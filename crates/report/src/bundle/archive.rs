//! Reads the one ZIP layout [`super::build`] writes, and nothing else, without trusting a byte.
//!
//! A general ZIP reader forgives a great deal (a changed time, a stray extra field, a central
//! directory that disagrees with the local headers, entries that overlap) because it wants to
//! extract what it can. A verifier wants the opposite: every header field is either a fixed
//! value of our layout, or must agree between the local header and the central directory, or is
//! covered by the entry's CRC-32 and SHA-256. So any changed byte is found, and the bounds
//! ([`super::limits`]) are checked on the declared sizes before anything is inflated: a zip bomb
//! or a `../` path is refused, not unpacked. Every read is bounds-checked; nothing here panics.

use super::limits;
use std::io::Read;

/// One file's record, as the central directory and its local header agree on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipEntry {
    pub name: String,
    pub crc32: u32,
    pub compressed_size: u64,
    pub size: u64,
    /// Where its local header starts in the archive.
    pub local_offset: usize,
    /// Where the deflated data starts in the archive.
    pub data_start: usize,
}

/// Why an archive is not one [`super::build`] could have written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveProblem {
    /// The entry the damage is in, when it can be told.
    pub entry: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for ArchiveProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.entry {
            Some(name) => write!(f, "{name}: its ZIP record is damaged ({})", self.reason),
            None => write!(f, "the ZIP is damaged ({})", self.reason),
        }
    }
}

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const END_SIG: u32 = 0x0605_4b50;
const LOCAL_LEN: usize = 30;
const CENTRAL_LEN: usize = 46;
const END_LEN: usize = 22;

/// The fixed fields of our layout. `version made by` is Unix (3) and ZIP 2.0; every entry is
/// deflated (8), has no flags, and is dated 1980-01-01 00:00 (MS-DOS date 0x0021, time 0).
const MADE_BY: u16 = 0x0314;
const NEEDED: u16 = 20;
const FLAGS: u16 = 0;
const DEFLATED: u16 = 8;
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = 0x0021;
/// A regular file, mode 0644, in the high half of the external attributes.
const EXTERNAL: u32 = 0o100644 << 16;

/// Little-endian reads that fail instead of panicking past the end.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b = self.0.get(at..at.checked_add(2)?)?;
        Some(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b = self.0.get(at..at.checked_add(4)?)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn slice(&self, at: usize, len: usize) -> Option<&[u8]> {
        self.0.get(at..at.checked_add(len)?)
    }
}

/// The entries of `archive`, in order, after checking its whole layout.
pub fn read(archive: &[u8]) -> Result<Vec<ZipEntry>, ArchiveProblem> {
    let damaged = |reason: &str| ArchiveProblem {
        entry: None,
        reason: reason.to_string(),
    };
    let bytes = Bytes(archive);
    if archive.len() as u64 > limits::TOTAL_BYTES {
        return Err(damaged("it is larger than 4 GiB"));
    }
    let end = archive
        .len()
        .checked_sub(END_LEN)
        .ok_or_else(|| damaged("too short to be a ZIP"))?;
    let field = |at: usize| bytes.u16(end + at).unwrap_or(u16::MAX);
    if bytes.u32(end) != Some(END_SIG) {
        return Err(damaged(
            "no end-of-archive record where it belongs: the file is cut short, has something appended, or is no ZIP",
        ));
    }
    let count = usize::from(field(10));
    let central_size = bytes.u32(end + 12).unwrap_or(u32::MAX) as usize;
    let central_start = bytes.u32(end + 16).unwrap_or(u32::MAX) as usize;
    if field(4) != 0 || field(6) != 0 || usize::from(field(8)) != count || field(20) != 0 {
        return Err(damaged("the end-of-archive record has unexpected fields"));
    }
    if count > limits::ENTRIES {
        return Err(damaged("it has more than 20,000 files"));
    }
    if central_start.checked_add(central_size) != Some(end) {
        return Err(damaged(
            "the central directory is not where the end-of-archive record says",
        ));
    }
    let mut entries: Vec<ZipEntry> = Vec::with_capacity(count);
    let mut at = central_start;
    let mut next_local = 0usize;
    let mut total: u64 = 0;
    for n in 0..count {
        let entry = central_entry(&bytes, at, next_local).map_err(|reason| {
            // Name the file when its record still says which it is.
            match central_name(&bytes, at) {
                Some(name) => ArchiveProblem {
                    entry: Some(name),
                    reason: format!("in the central directory, {reason}"),
                },
                None => damaged(&format!("central directory record {}: {reason}", n + 1)),
            }
        })?;
        let (entry, record_len) = entry;
        let name_problem = |reason: String| ArchiveProblem {
            entry: Some(entry.name.clone()),
            reason,
        };
        if let Some(reason) = super::path_problem(&entry.name) {
            return Err(name_problem(format!(
                "its path is refused: {reason}; a bundle never holds such a path"
            )));
        }
        if let Some(before) = entries.last() {
            if before.name.as_str() >= entry.name.as_str()
                || before.name.eq_ignore_ascii_case(&entry.name)
            {
                return Err(name_problem(
                    "it is out of order or there twice".to_string(),
                ));
            }
        }
        if entry.size > limits::ENTRY_BYTES {
            return Err(name_problem(
                "it would unpack to more than 512 MiB".to_string(),
            ));
        }
        total += entry.size;
        if total > limits::TOTAL_BYTES {
            return Err(damaged("its files would unpack to more than 4 GiB"));
        }
        let mut entry = entry;
        next_local = local_entry(&bytes, &mut entry).map_err(|reason| ArchiveProblem {
            entry: Some(entry.name.clone()),
            reason,
        })?;
        at += record_len;
        entries.push(entry);
    }
    if at != end {
        return Err(damaged("the central directory holds more than its records"));
    }
    if next_local != central_start {
        return Err(damaged(
            "there are bytes between the last file and the central directory",
        ));
    }
    Ok(entries)
}

/// The central directory record at `at`, whose local header must be at `expected_local`, and the
/// record's length.
fn central_entry(
    bytes: &Bytes<'_>,
    at: usize,
    expected_local: usize,
) -> Result<(ZipEntry, usize), String> {
    let short = || "it is cut short".to_string();
    let u16_at = |offset: usize| bytes.u16(at + offset).ok_or_else(short);
    let u32_at = |offset: usize| bytes.u32(at + offset).ok_or_else(short);
    if u32_at(0)? != CENTRAL_SIG {
        return Err("it does not start with a central directory signature".into());
    }
    let fixed = [
        (u16_at(4)?, MADE_BY, "version made by"),
        (u16_at(6)?, NEEDED, "version needed"),
        (u16_at(8)?, FLAGS, "flags"),
        (u16_at(10)?, DEFLATED, "compression method"),
        (u16_at(12)?, DOS_TIME, "time"),
        (u16_at(14)?, DOS_DATE, "date"),
        (u16_at(30)?, 0, "extra field length"),
        (u16_at(32)?, 0, "comment length"),
        (u16_at(34)?, 0, "disk number"),
        (u16_at(36)?, 0, "internal attributes"),
    ];
    for (found, expected, what) in fixed {
        if found != expected {
            return Err(format!("its {what} is {found:#06x}, not {expected:#06x}"));
        }
    }
    if u32_at(38)? != EXTERNAL {
        return Err("its file attributes are not a 0644 regular file's".into());
    }
    if u32_at(42)? as usize != expected_local {
        return Err("its local header is not right after the previous file".into());
    }
    let name_len = usize::from(u16_at(28)?);
    let name = bytes.slice(at + CENTRAL_LEN, name_len).ok_or_else(short)?;
    let name = String::from_utf8(name.to_vec()).map_err(|_| "its name is not text".to_string())?;
    let entry = ZipEntry {
        name,
        crc32: u32_at(16)?,
        compressed_size: u64::from(u32_at(20)?),
        size: u64::from(u32_at(24)?),
        local_offset: expected_local,
        data_start: 0,
    };
    Ok((entry, CENTRAL_LEN + name_len))
}

/// The name in the central directory record at `at`, if it reads as a bundle path.
fn central_name(bytes: &Bytes<'_>, at: usize) -> Option<String> {
    let len = usize::from(bytes.u16(at + 28)?);
    let name = std::str::from_utf8(bytes.slice(at + CENTRAL_LEN, len)?).ok()?;
    super::path_problem(name)
        .is_none()
        .then(|| name.to_string())
}

/// Checks `entry`'s local header (at `entry.local_offset`) against its central record, sets
/// where its data starts, and returns where the next file's local header must be.
fn local_entry(bytes: &Bytes<'_>, entry: &mut ZipEntry) -> Result<usize, String> {
    let at = entry.local_offset;
    let short = || "its local header or data is cut short".to_string();
    let u16_at = |offset: usize| bytes.u16(at + offset).ok_or_else(short);
    let u32_at = |offset: usize| bytes.u32(at + offset).ok_or_else(short);
    if u32_at(0)? != LOCAL_SIG {
        return Err("no local header where the central directory says".into());
    }
    let name_len = entry.name.len();
    let same = [
        (u32::from(u16_at(4)?), u32::from(NEEDED), "version needed"),
        (u32::from(u16_at(6)?), u32::from(FLAGS), "flags"),
        (
            u32::from(u16_at(8)?),
            u32::from(DEFLATED),
            "compression method",
        ),
        (u32::from(u16_at(10)?), u32::from(DOS_TIME), "time"),
        (u32::from(u16_at(12)?), u32::from(DOS_DATE), "date"),
        (u32_at(14)?, entry.crc32, "CRC-32"),
        (u32_at(18)?, entry.compressed_size as u32, "compressed size"),
        (u32_at(22)?, entry.size as u32, "size"),
        (u32::from(u16_at(26)?), name_len as u32, "name length"),
        (u32::from(u16_at(28)?), 0, "extra field length"),
    ];
    for (found, expected, what) in same {
        if found != expected {
            return Err(format!(
                "its local header and the central directory disagree on its {what}"
            ));
        }
    }
    if bytes.slice(at + LOCAL_LEN, name_len) != Some(entry.name.as_bytes()) {
        return Err("its local header and the central directory disagree on its name".into());
    }
    entry.data_start = at + LOCAL_LEN + name_len;
    let data_end = entry
        .data_start
        .checked_add(entry.compressed_size as usize)
        .ok_or_else(short)?;
    if data_end > bytes.0.len() {
        return Err(short());
    }
    Ok(data_end)
}

/// Why an entry's data does not unpack to what its record promises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InflateProblem {
    /// The deflate stream is broken.
    Corrupt,
    /// It unpacks to more or fewer bytes than its record says.
    WrongSize,
    /// It unpacks, but not to the bytes it was written with.
    WrongCrc,
}

impl std::fmt::Display for InflateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            InflateProblem::Corrupt => "its compressed data is corrupt",
            InflateProblem::WrongSize => "it unpacks to a size other than its ZIP record says",
            InflateProblem::WrongCrc => "its CRC-32 does not match its data",
        })
    }
}

/// `entry`'s bytes, inflated: never more than its declared size (checked against the limits by
/// [`read`]), and only when the whole compressed stream is used and the CRC-32 matches.
pub fn inflate(archive: &[u8], entry: &ZipEntry) -> Result<Vec<u8>, InflateProblem> {
    let data = archive
        .get(entry.data_start..entry.data_start + entry.compressed_size as usize)
        .ok_or(InflateProblem::Corrupt)?;
    let mut decoder = flate2::read::DeflateDecoder::new(data);
    let mut out = Vec::with_capacity(entry.size.min(64 * 1024 * 1024) as usize);
    (&mut decoder)
        .take(entry.size + 1)
        .read_to_end(&mut out)
        .map_err(|_| InflateProblem::Corrupt)?;
    if out.len() as u64 != entry.size {
        return Err(InflateProblem::WrongSize);
    }
    if decoder.total_in() != entry.compressed_size {
        // Bytes after the end of the deflate stream: not what the writer produced.
        return Err(InflateProblem::Corrupt);
    }
    if crc32fast::hash(&out) != entry.crc32 {
        return Err(InflateProblem::WrongCrc);
    }
    Ok(out)
}
