//! The system-call floor of timaudit's walk, for `scripts/bench-walk.sh`: the
//! same calls per entry that `timaudit scan --no-hash` makes, with nothing else
//! (no inventory line, no sort, no checks), on as many threads.
//!
//! `walk_floor stat DIR [THREADS]`: every entry `fstatat(folder, name)`, every
//! regular file also `getxattrat(folder, name, "system.posix_acl_access")`
//! (the content scan off).
//! `walk_floor read DIR [THREADS] [BYTES]`: every regular file opened relative to
//! its folder (`O_NOFOLLOW | O_NOATIME | O_NONBLOCK`), `fstat`, `fgetxattr`, one
//! `read` of up to BYTES (default 65536), `close` (the content scan on).
//!
//! One thread lists the folders (`openat` + `getdents64`) and hands each folder's
//! regular files to THREADS workers (default: the number of cores); prints the
//! number of files and the bytes read. Run: `cargo run --release --example
//! walk_floor -- stat /srv/share`.

use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{Arc, Mutex, mpsc};

const ACL: &CStr = c"system.posix_acl_access";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, dir) = match (args.get(1), args.get(2)) {
        (Some(m), Some(d)) if m == "stat" || m == "read" => (m.clone(), d.clone()),
        _ => {
            eprintln!("usage: walk_floor stat|read DIR [THREADS] [BYTES]");
            std::process::exit(2);
        }
    };
    let threads = args.get(3).and_then(|t| t.parse().ok()).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let bytes: usize = args.get(4).and_then(|b| b.parse().ok()).unwrap_or(65536);
    let read = mode == "read";
    let (tx, rx) = mpsc::sync_channel::<(Arc<OwnedFd>, Vec<CString>)>(64);
    let rx = Arc::new(Mutex::new(rx));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let rx = rx.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; bytes.max(1)];
                let (mut files, mut total) = (0u64, 0u64);
                loop {
                    let job = rx.lock().unwrap().recv();
                    let Ok((folder, names)) = job else { break };
                    for name in names {
                        files += 1;
                        total += if read {
                            read_file(folder.as_raw_fd(), &name, &mut buf)
                        } else {
                            stat_file(folder.as_raw_fd(), &name)
                        };
                    }
                }
                (files, total)
            })
        })
        .collect();
    let top = CString::new(dir).expect("no NUL in DIR");
    let mut stack = vec![open_dir(libc::AT_FDCWD, &top).expect("cannot open DIR")];
    while let Some(folder) = stack.pop() {
        let folder = Arc::new(folder);
        let mut files = Vec::new();
        for (name, kind) in list(folder.as_raw_fd()) {
            if kind == libc::DT_REG {
                files.push(name);
                continue;
            }
            // What is not known to be a regular file is stat'ed here, as the walk does.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            // SAFETY: valid descriptor, NUL-terminated name, `st` is a stat buffer.
            let r = unsafe {
                libc::fstatat(
                    folder.as_raw_fd(),
                    name.as_ptr(),
                    &mut st,
                    libc::AT_SYMLINK_NOFOLLOW,
                )
            };
            if r == 0
                && st.st_mode & libc::S_IFMT == libc::S_IFDIR
                && let Some(d) = open_dir(folder.as_raw_fd(), &name)
            {
                stack.push(d);
            }
        }
        if !files.is_empty() {
            tx.send((folder, files)).unwrap();
        }
    }
    drop(tx);
    let (mut files, mut total) = (0, 0);
    for w in workers {
        let (f, t) = w.join().unwrap();
        files += f;
        total += t;
    }
    println!("{files} files, {total} bytes read");
}

fn open_dir(at: i32, name: &CStr) -> Option<OwnedFd> {
    use std::os::fd::FromRawFd;
    let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    // SAFETY: NUL-terminated name; the descriptor is owned from here on.
    let fd = unsafe { libc::openat(at, name.as_ptr(), flags | libc::O_NOATIME) };
    let fd = if fd < 0 {
        unsafe { libc::openat(at, name.as_ptr(), flags) }
    } else {
        fd
    };
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A folder's entries (not `.` and `..`) with their `d_type`, by `getdents64`.
fn list(fd: i32) -> Vec<(CString, u8)> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        // SAFETY: the buffer and its length are passed.
        let n = unsafe { libc::syscall(libc::SYS_getdents64, fd, buf.as_mut_ptr(), buf.len()) };
        if n <= 0 {
            return out;
        }
        let mut at = 0usize;
        while at < n as usize {
            // struct linux_dirent64: u64 ino, i64 off, u16 reclen, u8 type, name.
            let reclen = u16::from_ne_bytes([buf[at + 16], buf[at + 17]]) as usize;
            let kind = buf[at + 18];
            let name = CStr::from_bytes_until_nul(&buf[at + 19..at + reclen]).unwrap();
            if name.to_bytes() != b"." && name.to_bytes() != b".." {
                out.push((name.to_owned(), kind));
            }
            at += reclen;
        }
    }
}

fn stat_file(dir: i32, name: &CStr) -> u64 {
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: valid descriptor, NUL-terminated name, `st` is a stat buffer.
    unsafe { libc::fstatat(dir, name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) };
    #[repr(C)]
    struct XattrArgs {
        value: u64,
        size: u32,
        flags: u32,
    }
    let mut acl = [0u8; 4096];
    let mut args = XattrArgs {
        value: acl.as_mut_ptr() as u64,
        size: acl.len() as u32,
        flags: 0,
    };
    // SAFETY: getxattrat(2) (Linux 6.13, number 464 on x86_64, aarch64 and
    // riscv64) with NUL-terminated strings and `args` pointing at `acl`.
    unsafe {
        libc::syscall(
            464,
            dir,
            name.as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW as libc::c_uint,
            ACL.as_ptr(),
            &mut args as *mut XattrArgs,
            std::mem::size_of::<XattrArgs>(),
        )
    };
    0
}

fn read_file(dir: i32, name: &CStr, buf: &mut [u8]) -> u64 {
    let flags = libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NOATIME | libc::O_NONBLOCK;
    // SAFETY: valid descriptor and NUL-terminated name; the descriptor is closed below.
    let fd = unsafe { libc::openat(dir, name.as_ptr(), flags | libc::O_CLOEXEC) };
    if fd < 0 {
        return 0;
    }
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let mut acl = [0u8; 4096];
    // SAFETY: `fd` is open; the buffers and their lengths are passed.
    let n = unsafe {
        libc::fstat(fd, &mut st);
        libc::fgetxattr(fd, ACL.as_ptr(), acl.as_mut_ptr().cast(), acl.len());
        let want = (st.st_size.max(0) as usize).min(buf.len());
        let n = if want > 0 {
            libc::read(fd, buf.as_mut_ptr().cast(), want)
        } else {
            0
        };
        libc::close(fd);
        n
    };
    n.max(0) as u64
}
