//! POSIX access ACLs: reading the `system.posix_acl_access` extended attribute
//! (without following symbolic links) and decoding its binary format.
//!
//! Format (linux/posix_acl_xattr.h): a little-endian `u32` version (2), then
//! 8-byte entries `u16 tag, u16 perm, u32 id`.

use std::io;

pub const USER_OBJ: u16 = 0x01;
pub const USER: u16 = 0x02;
pub const GROUP_OBJ: u16 = 0x04;
pub const GROUP: u16 = 0x08;
pub const MASK: u16 = 0x10;
pub const OTHER: u16 = 0x20;

const XATTR_NAME: &[u8] = b"system.posix_acl_access\0";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AclEntry {
    pub tag: u16,
    /// r = 4, w = 2, x = 1.
    pub perm: u16,
    /// uid or gid for named entries; unused otherwise.
    pub id: u32,
}

/// An access ACL. Only ACLs with more than the three base entries carry
/// information beyond the mode bits; `Acl::extended` says so.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acl {
    pub entries: Vec<AclEntry>,
}

impl Acl {
    pub fn parse(bytes: &[u8]) -> Result<Acl, String> {
        if bytes.len() < 4 || !(bytes.len() - 4).is_multiple_of(8) {
            return Err(format!("malformed ACL attribute ({} bytes)", bytes.len()));
        }
        let version = u32::from_le_bytes(bytes[0..4].try_into().unwrap());
        if version != 2 {
            return Err(format!("unknown ACL attribute version {version}"));
        }
        let entries = bytes[4..]
            .chunks_exact(8)
            .map(|c| AclEntry {
                tag: u16::from_le_bytes([c[0], c[1]]),
                perm: u16::from_le_bytes([c[2], c[3]]),
                id: u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            })
            .collect();
        Ok(Acl { entries })
    }

    /// More than the owner/group/other entries the mode bits already show.
    pub fn extended(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e.tag, USER | GROUP | MASK))
    }

    pub fn mask(&self) -> Option<u16> {
        self.entries.iter().find(|e| e.tag == MASK).map(|e| e.perm)
    }

    pub fn group_obj(&self) -> Option<u16> {
        self.entries
            .iter()
            .find(|e| e.tag == GROUP_OBJ)
            .map(|e| e.perm)
    }

    /// getfacl-style lines (`user::rw-`, `user:sato:r--`, `mask::r--`), names from
    /// the lookup functions (numeric ids when unknown).
    pub fn render(
        &self,
        user: impl Fn(u32) -> Option<String>,
        group: impl Fn(u32) -> Option<String>,
    ) -> Vec<String> {
        self.entries
            .iter()
            .map(|e| {
                let p = perm_string(e.perm);
                match e.tag {
                    USER_OBJ => format!("user::{p}"),
                    USER => format!("user:{}:{p}", user(e.id).unwrap_or(e.id.to_string())),
                    GROUP_OBJ => format!("group::{p}"),
                    GROUP => format!("group:{}:{p}", group(e.id).unwrap_or(e.id.to_string())),
                    MASK => format!("mask::{p}"),
                    OTHER => format!("other::{p}"),
                    t => format!("unknown-tag-{t:#x}:{}:{p}", e.id),
                }
            })
            .collect()
    }
}

/// `r-x` for 5.
pub fn perm_string(p: u16) -> String {
    let mut s = String::with_capacity(3);
    s.push(if p & 4 != 0 { 'r' } else { '-' });
    s.push(if p & 2 != 0 { 'w' } else { '-' });
    s.push(if p & 1 != 0 { 'x' } else { '-' });
    s
}

/// A buffer for one ACL attribute, left uninitialised: the kernel writes what it
/// returns (zeroing 4 KiB for every file of a walk showed in profiles).
struct AttrBuf([std::mem::MaybeUninit<u8>; 4096]);

impl AttrBuf {
    fn new() -> AttrBuf {
        AttrBuf([std::mem::MaybeUninit::uninit(); 4096])
    }

    fn ptr(&mut self) -> *mut libc::c_void {
        self.0.as_mut_ptr().cast()
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    /// The ACL from the result `r` of the call that filled the buffer.
    fn interpret(&self, r: isize) -> io::Result<Option<Acl>> {
        if r < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::ENODATA) | Some(libc::EOPNOTSUPP) => Ok(None),
                _ => Err(e),
            };
        }
        let n = (r as usize).min(self.len());
        // SAFETY: the kernel wrote the first `r` bytes (at most the length passed).
        let bytes = unsafe { std::slice::from_raw_parts(self.0.as_ptr().cast::<u8>(), n) };
        Acl::parse(bytes).map(Some).map_err(io::Error::other)
    }
}

/// The access ACL of an open file; `None` when it has none.
pub fn read_fd(fd: std::os::fd::RawFd) -> io::Result<Option<Acl>> {
    let mut buf = AttrBuf::new();
    // SAFETY: the name is NUL-terminated and the buffer length is passed.
    let r = unsafe { libc::fgetxattr(fd, XATTR_NAME.as_ptr().cast(), buf.ptr(), buf.len()) };
    buf.interpret(r)
}

/// The access ACL of an entry the walk found, not following a final link, read
/// relative to its folder's descriptor (never through its path): `getxattrat(2)`
/// with `AT_SYMLINK_NOFOLLOW` (Linux 6.13), or on older kernels the entry opened
/// with `O_NOFOLLOW | O_NONBLOCK` and read with `fgetxattr(2)`.
pub fn read_place(place: &crate::rootfs::dirs::Place) -> io::Result<Option<Acl>> {
    use crate::rootfs::dirs::Place;
    use std::os::fd::AsRawFd;
    use std::sync::atomic::{AtomicBool, Ordering};
    static NO_GETXATTRAT: AtomicBool = AtomicBool::new(false);
    let Place::At(dir, name) = place else {
        let Place::Path(p) = place else {
            unreachable!()
        };
        return read_path(p);
    };
    if !NO_GETXATTRAT.load(Ordering::Relaxed) {
        match getxattrat(dir.as_raw_fd(), name) {
            Some(r) => return r,
            None => NO_GETXATTRAT.store(true, Ordering::Relaxed),
        }
    }
    read_opened(place)
}

/// [`read_place`] on kernels without `getxattrat`: the entry opened relative to
/// its folder (`O_NOFOLLOW | O_NONBLOCK`), then `fgetxattr`.
fn read_opened(place: &crate::rootfs::dirs::Place) -> io::Result<Option<Acl>> {
    use std::os::fd::AsRawFd;
    let f = place.open()?;
    read_fd(f.as_raw_fd())
}

/// `getxattrat(dirfd, name, AT_SYMLINK_NOFOLLOW, "system.posix_acl_access")`;
/// `None` when the kernel does not have it.
fn getxattrat(dir: std::os::fd::RawFd, name: &std::ffi::CStr) -> Option<io::Result<Option<Acl>>> {
    // The same number on every architecture since the syscall tables were unified
    // (Linux 6.13); not in the libc crate yet.
    #[cfg(any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    ))]
    {
        const SYS_GETXATTRAT: libc::c_long = 464;
        #[repr(C)]
        struct XattrArgs {
            value: u64,
            size: u32,
            flags: u32,
        }
        let mut buf = AttrBuf::new();
        let mut args = XattrArgs {
            value: buf.ptr() as u64,
            size: buf.len() as u32,
            flags: 0,
        };
        // SAFETY: the strings are NUL-terminated, `args` points at `buf` with its
        // length, and the size of `args` is passed.
        let r = unsafe {
            libc::syscall(
                SYS_GETXATTRAT,
                dir,
                name.as_ptr(),
                libc::AT_SYMLINK_NOFOLLOW as libc::c_uint,
                XATTR_NAME.as_ptr(),
                &mut args as *mut XattrArgs,
                std::mem::size_of::<XattrArgs>(),
            )
        };
        if r < 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ENOSYS) {
            return None;
        }
        Some(buf.interpret(r as isize))
    }
    #[cfg(not(any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )))]
    {
        let _ = (dir, name);
        None
    }
}

/// The access ACL of a path, not following a final symbolic link.
pub fn read_path(path: &std::path::Path) -> io::Result<Option<Acl>> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in path"))?;
    let mut buf = AttrBuf::new();
    // SAFETY: both strings are NUL-terminated and the buffer length is passed.
    let r =
        unsafe { libc::lgetxattr(c.as_ptr(), XATTR_NAME.as_ptr().cast(), buf.ptr(), buf.len()) };
    buf.interpret(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(entries: &[(u16, u16, u32)]) -> Vec<u8> {
        let mut v = 2u32.to_le_bytes().to_vec();
        for (t, p, id) in entries {
            v.extend(t.to_le_bytes());
            v.extend(p.to_le_bytes());
            v.extend(id.to_le_bytes());
        }
        v
    }

    #[test]
    fn an_entry_acl_is_read_relative_to_its_folder_the_same_every_way() {
        use crate::rootfs::dirs::Place;
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("f");
        std::fs::write(&f, "x").unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("f", d.path().join("link")).unwrap();
        let set = |p: &std::path::Path| {
            std::process::Command::new("setfacl")
                .args(["-m", "u:1234:r"])
                .arg(p)
                .status()
                .is_ok_and(|s| s.success())
        };
        if !set(&f) || !set(&d.path().join("sub")) {
            eprintln!("setfacl unavailable here; skipped");
            return;
        }
        let dir: rustix::fd::OwnedFd = std::fs::File::open(d.path()).unwrap().into();
        let dir = std::sync::Arc::new(dir);
        let at = |name: &str| Place::At(dir.clone(), std::ffi::CString::new(name).unwrap());
        for name in ["f", "sub"] {
            let by_path = read_path(&d.path().join(name)).unwrap().unwrap();
            assert!(
                by_path
                    .entries
                    .iter()
                    .any(|e| e.tag == USER && e.id == 1234)
            );
            assert_eq!(read_place(&at(name)).unwrap().as_ref(), Some(&by_path));
            assert_eq!(read_opened(&at(name)).unwrap().as_ref(), Some(&by_path));
        }
        // A link is not followed: no ACL of its target.
        assert_ne!(
            read_place(&at("link")).ok().flatten().as_ref(),
            read_path(&f).unwrap().as_ref()
        );
        assert!(
            read_opened(&at("link")).is_err(),
            "O_NOFOLLOW refuses the link"
        );
        assert!(read_place(&at("gone")).is_err());
    }

    #[test]
    fn parses_and_renders_like_getfacl() {
        let acl = Acl::parse(&raw(&[
            (USER_OBJ, 6, u32::MAX),
            (USER, 4, 1002),
            (GROUP_OBJ, 4, u32::MAX),
            (GROUP, 5, 3000),
            (MASK, 4, u32::MAX),
            (OTHER, 0, u32::MAX),
        ]))
        .unwrap();
        assert!(acl.extended());
        assert_eq!(acl.mask(), Some(4));
        let names = acl.render(|u| (u == 1002).then(|| "sato".to_string()), |_| None);
        assert_eq!(
            names,
            [
                "user::rw-",
                "user:sato:r--",
                "group::r--",
                "group:3000:r-x",
                "mask::r--",
                "other::---"
            ]
        );
        assert!(Acl::parse(&[2, 0, 0, 0, 1]).is_err());
        assert!(Acl::parse(&raw(&[])[..3]).is_err());
        let base = Acl::parse(&raw(&[(USER_OBJ, 6, 0), (GROUP_OBJ, 4, 0), (OTHER, 4, 0)])).unwrap();
        assert!(!base.extended());
    }
}
