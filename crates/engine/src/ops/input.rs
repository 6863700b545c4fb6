//! Files a person points the product at (`baseline create --from-file`, `tenant add --ca-cert`),
//! read so that no file or folder can hang it or exhaust its memory: every reader of a path the
//! user gives goes through [`read_bounded`] and, for folders, [`walk`].
//!
//! The rules, and why:
//! - **Regular files only.** A FIFO, socket or device (`/dev/urandom`, `/dev/zero`) is refused by
//!   its metadata before it is opened, never read: reading a FIFO blocks until a writer comes, a
//!   device never ends. The file is opened non-blocking on Unix and its metadata checked again
//!   once open, so a file swapped for a FIFO between the two steps cannot block either.
//! - **A size limit per file** ([`Limits::file_bytes`], 32 MiB: the biggest real Intune export
//!   objects are a few MB) with its own error, enforced while reading (`take(limit + 1)`), so a file
//!   that grows, or whose metadata lies, is still read no further than the limit.
//! - **A folder walk that ends**: symbolic links are followed, but each folder and each file is
//!   read at most once, known by its device and inode (its canonical path off Unix) — so `a -> .`
//!   and `b -> .` end at once and `self -> .` adds no object twice; the walk stops with an error
//!   beyond [`Limits::depth`] levels, [`Limits::files`] files or [`Limits::entries`] entries.
//!   What it leaves out (links to what was read already, FIFOs, dangling links) is listed.
//! - **A total limit** ([`Limits::total_bytes`]) on what one command reads, kept by [`Budget`].

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// How much one command reads from the files it is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest file read.
    pub file_bytes: u64,
    /// All files of one command together.
    pub total_bytes: u64,
    /// Files taken from one folder.
    pub files: usize,
    /// Entries of any kind looked at in one folder walk (files we do not read included).
    pub entries: usize,
    /// Folders below the one given.
    pub depth: usize,
}

/// The limits of `baseline create --from-file`. Real exports: IntuneCD's backup of a large
/// tenant is a few thousand files of at most a few MB, a dozen folders deep.
pub const LIMITS: Limits = Limits {
    file_bytes: 32 * MIB,
    total_bytes: 512 * MIB,
    files: 100_000,
    entries: 1_000_000,
    depth: 32,
};

/// The largest CA certificate file (`tenant add --ca-cert`): a PEM chain is a few KB.
pub const PEM_BYTES: u64 = MIB;

const MIB: u64 = 1024 * 1024;

/// Why a path given by the user was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is {what}, not a regular file; pass a file or a folder of files", .path.display())]
    NotRegularFile { path: PathBuf, what: &'static str },
    #[error(
        "{} is larger than {}, the most TenantAtlas reads from one file; pass the export's folder or split the file",
        .path.display(), mib(*.limit)
    )]
    FileTooLarge { path: PathBuf, limit: u64 },
    #[error(
        "the files under {} hold more than {} together, the most TenantAtlas reads at once; pass a smaller folder",
        .path.display(), mib(*.limit)
    )]
    TotalTooLarge { path: PathBuf, limit: u64 },
    #[error(
        "{} holds more than {limit} files or entries, the most TenantAtlas looks at; pass a smaller folder",
        .path.display()
    )]
    TooManyFiles { path: PathBuf, limit: usize },
    #[error(
        "{} nests folders more than {limit} deep; pass a folder nearer the files",
        .path.display()
    )]
    TooDeep { path: PathBuf, limit: usize },
}

impl From<InputError> for crate::EngineError {
    fn from(e: InputError) -> Self {
        crate::EngineError::invalid(e.to_string())
    }
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / MIB)
}

/// What a path is, in words, when it is not a regular file.
fn what_it_is(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// The whole of a regular file of at most `limit` bytes. FIFOs, sockets and devices are refused
/// without being read; a file found larger than `limit` while reading is refused too.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let regular = |meta: &std::fs::Metadata| match what_it_is(meta) {
        None => Ok(()),
        Some(what) => Err(InputError::NotRegularFile {
            path: path.to_path_buf(),
            what,
        }),
    };
    let too_large = || InputError::FileTooLarge {
        path: path.to_path_buf(),
        limit,
    };
    // Before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(io)?;
    regular(&meta)?;
    if meta.len() > limit {
        return Err(too_large());
    }
    let file = open_without_blocking(path).map_err(io)?;
    // The path may have changed between the two looks: what was opened is what counts.
    let meta = file.metadata().map_err(io)?;
    regular(&meta)?;
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Opens for reading; on Unix with `O_NONBLOCK`, so that opening a FIFO returns at once (reads
/// from a regular file are not affected by the flag).
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Keeps the total read by one command under [`Limits::total_bytes`].
#[derive(Debug)]
pub struct Budget {
    root: PathBuf,
    left: u64,
    limit: u64,
}

impl Budget {
    pub fn new(root: &Path, limits: &Limits) -> Budget {
        Budget {
            root: root.to_path_buf(),
            left: limits.total_bytes,
            limit: limits.total_bytes,
        }
    }

    /// Reads one file within both the file limit and what is left of the total.
    pub fn read(&mut self, path: &Path, limits: &Limits) -> Result<Vec<u8>, InputError> {
        let bytes = read_bounded(path, limits.file_bytes)?;
        self.left =
            self.left
                .checked_sub(bytes.len() as u64)
                .ok_or_else(|| InputError::TotalTooLarge {
                    path: self.root.clone(),
                    limit: self.limit,
                })?;
        Ok(bytes)
    }
}

/// What a folder walk found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Walk {
    /// Regular files that passed the filter, each once, sorted by path.
    pub files: Vec<PathBuf>,
    /// Entries passing the filter that were left out, with why ("a link to a folder already
    /// read", "a FIFO (named pipe), not a regular file").
    pub skipped: Vec<(PathBuf, String)>,
}

/// The regular files below `root` whose names `wanted` accepts, following symbolic links but
/// reading every folder and file once (see the module's documentation).
pub fn walk(
    root: &Path,
    limits: &Limits,
    wanted: impl Fn(&Path) -> bool,
) -> Result<Walk, InputError> {
    let io = |path: &Path, source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let root_meta = std::fs::metadata(root).map_err(|e| io(root, e))?;
    let mut seen: HashSet<Identity> = HashSet::new();
    seen.insert(identity(root, &root_meta));
    let mut out = Walk::default();
    let mut entries = 0usize;
    let mut stack: Vec<(PathBuf, usize)> = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let listing = std::fs::read_dir(&dir).map_err(|e| io(&dir, e))?;
        for entry in listing {
            let entry = entry.map_err(|e| io(&dir, e))?;
            entries += 1;
            if entries > limits.entries {
                return Err(InputError::TooManyFiles {
                    path: root.to_path_buf(),
                    limit: limits.entries,
                });
            }
            let path = entry.path();
            // Follows a symbolic link: its target is what is read, once.
            let meta = match std::fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) => {
                    if wanted(&path) {
                        out.skipped.push((path, format!("cannot read it: {e}")));
                    }
                    continue;
                }
            };
            if meta.is_dir() {
                if !seen.insert(identity(&path, &meta)) {
                    out.skipped
                        .push((path, "a link to a folder already read".to_string()));
                    continue;
                }
                if depth + 1 > limits.depth {
                    return Err(InputError::TooDeep {
                        path: root.to_path_buf(),
                        limit: limits.depth,
                    });
                }
                stack.push((path, depth + 1));
                continue;
            }
            if !wanted(&path) {
                continue;
            }
            if let Some(what) = what_it_is(&meta) {
                out.skipped
                    .push((path, format!("{what}, not a regular file")));
                continue;
            }
            if !seen.insert(identity(&path, &meta)) {
                out.skipped
                    .push((path, "the same file as one already read".to_string()));
                continue;
            }
            out.files.push(path);
            if out.files.len() > limits.files {
                return Err(InputError::TooManyFiles {
                    path: root.to_path_buf(),
                    limit: limits.files,
                });
            }
        }
    }
    out.files.sort();
    out.skipped.sort();
    Ok(out)
}

/// What makes two paths the same folder or file: device and inode on Unix, else the canonical
/// path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Identity {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

fn identity(path: &Path, meta: &std::fs::Metadata) -> Identity {
    #[cfg(unix)]
    {
        let _ = path;
        use std::os::unix::fs::MetadataExt;
        Identity::Inode(meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Identity::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn temp() -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix("ta-input-")
            .tempdir()
            .unwrap()
    }

    fn json(path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "json")
    }

    #[test]
    fn a_file_is_read_up_to_its_limit_and_no_further() {
        let dir = temp();
        let file = dir.path().join("a.json");
        std::fs::write(&file, b"0123456789").unwrap();
        assert_eq!(read_bounded(&file, 10).unwrap(), b"0123456789");
        assert!(matches!(
            read_bounded(&file, 9),
            Err(InputError::FileTooLarge { limit: 9, .. })
        ));
        let e = read_bounded(&dir.path().join("absent"), 10).unwrap_err();
        assert!(e.to_string().starts_with("cannot read "), "{e}");
    }

    #[test]
    fn devices_fifos_and_folders_are_refused_unread() {
        let dir = temp();
        let e = read_bounded(Path::new("/dev/urandom"), 10).unwrap_err();
        assert!(
            e.to_string().contains("is a device, not a regular file"),
            "{e}"
        );
        let e = read_bounded(dir.path(), 10).unwrap_err();
        assert!(e.to_string().contains("is a folder"), "{e}");
        let fifo = dir.path().join("pipe.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_bounded(&fifo, 10).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        let found = walk(dir.path(), &LIMITS, json).unwrap();
        assert_eq!(found.files, Vec::<PathBuf>::new());
        assert_eq!(found.skipped.len(), 1, "{found:?}");
    }

    #[test]
    fn links_are_followed_once_and_loops_end() {
        let dir = temp();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/p.json"), b"{}").unwrap();
        std::os::unix::fs::symlink(".", root.join("a")).unwrap();
        std::os::unix::fs::symlink(".", root.join("b")).unwrap();
        std::os::unix::fs::symlink("..", root.join("sub/up")).unwrap();
        std::os::unix::fs::symlink("p.json", root.join("sub/same.json")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("dangling.json")).unwrap();
        let found = walk(root, &LIMITS, json).unwrap();
        assert_eq!(found.files.len(), 1, "{found:?}");
        let reasons: Vec<&str> = found.skipped.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(
            reasons
                .iter()
                .filter(|r| **r == "a link to a folder already read")
                .count(),
            3,
            "{found:?}"
        );
        assert!(reasons.contains(&"the same file as one already read"));
        assert!(reasons.iter().any(|r| r.starts_with("cannot read it")));
    }

    #[test]
    fn walks_stop_at_their_limits() {
        let dir = temp();
        let mut deep = dir.path().to_path_buf();
        for _ in 0..5 {
            deep = deep.join("d");
        }
        std::fs::create_dir_all(&deep).unwrap();
        for i in 0..3 {
            std::fs::write(dir.path().join(format!("{i}.json")), b"{}").unwrap();
        }
        let small = Limits { depth: 4, ..LIMITS };
        assert!(matches!(
            walk(dir.path(), &small, json),
            Err(InputError::TooDeep { limit: 4, .. })
        ));
        let few = Limits { files: 2, ..LIMITS };
        assert!(matches!(
            walk(dir.path(), &few, json),
            Err(InputError::TooManyFiles { limit: 2, .. })
        ));
        let mut budget = Budget::new(
            dir.path(),
            &Limits {
                total_bytes: 3,
                ..LIMITS
            },
        );
        let tight = LIMITS;
        budget.read(&dir.path().join("0.json"), &tight).unwrap();
        assert!(matches!(
            budget.read(&dir.path().join("1.json"), &tight),
            Err(InputError::TotalTooLarge { limit: 3, .. })
        ));
    }
}
