//! Accounts from the bytes of `/etc/passwd` and `/etc/group` (no NSS: a
//! container's accounts are in those files), and the resolution of
//! s6-overlay's `user[:group][,fallback_uid:fallback_gid]` account field.
use super::num::parse_u64;

/// A numeric id: decimal, below `u32::MAX` (which `chown` takes as "keep").
pub fn id(s: &[u8]) -> Option<u32> {
    parse_u64(s).filter(|&v| v < u32::MAX as u64).map(|v| v as u32)
}

/// The fields after the name of the first entry called `name`.
fn entry<'a>(db: &'a [u8], name: &[u8]) -> Option<impl Iterator<Item = &'a [u8]>> {
    db.split(|&c| c == b'\n').find_map(|line| {
        let mut f = line.split(|&c| c == b':');
        (f.next() == Some(name)).then_some(f)
    })
}

/// `name`'s uid and primary gid in a passwd file.
pub fn user(passwd: &[u8], name: &[u8]) -> Option<(u32, u32)> {
    let mut f = entry(passwd, name)?.skip(1);
    Some((id(f.next()?)?, id(f.next()?)?))
}

/// `name`'s gid in a group file.
pub fn group(groups: &[u8], name: &[u8]) -> Option<u32> {
    id(entry(groups, name)?.nth(1)?)
}

/// The gids of the groups that list `name` as a member, in file order (as
/// skalibs' `prot_readgroups`).
pub fn member_of<'a>(groups: &'a [u8], name: &'a [u8]) -> impl Iterator<Item = u32> + 'a {
    groups.split(|&c| c == b'\n').filter_map(move |line| {
        let mut f = line.split(|&c| c == b':').skip(2);
        let gid = id(f.next()?)?;
        f.next()?.split(|&c| c == b',').any(|m| m == name).then_some(gid)
    })
}

/// Why an account field does not resolve.
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Debug))]
pub enum Unresolved<'a> {
    /// Not of the form `user[:group][,uid:gid]`.
    Invalid,
    UnknownUser(&'a [u8]),
    UnknownGroup(&'a [u8]),
}

/// Resolve an account field as s6-overlay's fix-attrs does with
/// `s6-envuidgid`:
/// - `user`: the user's uid and primary gid;
/// - `user:group`: each side by name, else as a number;
/// - `,uid:gid` supplies whatever does not resolve (for `user`, both ids);
///   without it, an unresolved name is an error, never root.
pub fn resolve<'a>(spec: &'a [u8], passwd: &[u8], groups: &[u8]) -> Result<(u32, u32), Unresolved<'a>> {
    use Unresolved::*;
    let split = |s: &'a [u8], c: u8| s.iter().position(|&x| x == c).map(|i| (&s[..i], &s[i + 1..]));
    let (names, fallback) = match split(spec, b',') {
        Some((names, fb)) => {
            let (u, g) = split(fb, b':').ok_or(Invalid)?;
            (names, Some((id(u).ok_or(Invalid)?, id(g).ok_or(Invalid)?)))
        }
        None => (spec, None),
    };
    let Some((u, g)) = split(names, b':') else {
        if names.is_empty() {
            return Err(Invalid);
        }
        return user(passwd, names).or(fallback).ok_or(UnknownUser(names));
    };
    if u.is_empty() || g.is_empty() {
        return Err(Invalid);
    }
    let uid = user(passwd, u).map(|x| x.0).or_else(|| id(u)).or(fallback.map(|f| f.0)).ok_or(UnknownUser(u))?;
    let gid = group(groups, g).or_else(|| id(g)).or(fallback.map(|f| f.1)).ok_or(UnknownGroup(g))?;
    Ok((uid, gid))
}

/// The number at the start of `s` and its length, as skalibs' `uint32_scan`:
/// digits are read while the value fits in 32 bits. None: no digit.
pub fn id_prefix(s: &[u8]) -> Option<(u32, usize)> {
    let mut v: u32 = 0;
    let mut n = 0;
    for &c in s {
        let Some(x) = c.is_ascii_digit().then(|| v.checked_mul(10)?.checked_add((c - b'0') as u32)).flatten() else {
            break;
        };
        v = x;
        n += 1;
    }
    (n > 0).then_some((v, n))
}

/// A gid list as skalibs' `gid_scanlist` reads it: numbers separated by
/// runs of `,`, `:`, `;`, blanks or CR, up to the first other byte (`3x`
/// is `3`). Empty is valid; a list that does not start with a number is
/// not.
pub fn gid_list(s: &[u8]) -> Option<&'static [u32]> {
    let mut out = crate::sys::arena::Vec::new();
    let mut i = 0;
    while let Some((v, w)) = id_prefix(&s[i..]) {
        out.push(v);
        i += w;
        while s.get(i).is_some_and(|c| b",:; \t\r".contains(c)) {
            i += 1;
        }
    }
    (out.n > 0 || s.is_empty()).then(|| out.done())
}

#[cfg(test)]
mod tests {
    use super::Unresolved::*;
    use super::*;

    const PASSWD: &[u8] = b"root:x:0:0:root:/root:/bin/sh\n\
        daemon:x:2:2:daemon:/sbin:/sbin/nologin\n\
        broken:x:12\n\
        mysql:x:101:102::/var/lib/mysql:/bin/false\n\
        daemon:x:9:9:second entry:/:/bin/false";
    const GROUP: &[u8] = b"root:x:0:\ndaemon:x:2:\nmysql:x:102:\nbig:x:4294967295:\n";

    fn r(spec: &str) -> Result<(u32, u32), Unresolved<'_>> {
        resolve(spec.as_bytes(), PASSWD, GROUP)
    }

    #[test]
    fn lookups() {
        assert_eq!(user(PASSWD, b"daemon"), Some((2, 2)));
        assert_eq!(user(PASSWD, b"mysql"), Some((101, 102)));
        assert_eq!(user(PASSWD, b"root"), Some((0, 0)));
        assert_eq!(user(PASSWD, b"nobody"), None);
        assert_eq!(user(PASSWD, b"broken"), None);
        assert_eq!(user(PASSWD, b"daem"), None);
        assert_eq!(user(PASSWD, b""), None);
        assert_eq!(group(GROUP, b"mysql"), Some(102));
        assert_eq!(group(GROUP, b"daemon"), Some(2));
        assert_eq!(group(GROUP, b"big"), None);
        assert_eq!(group(GROUP, b"x"), None);
        assert_eq!(user(b"", b"root"), None);
        let g = b"a:x:5:bob,eve\nb:x:6:eve\nc:x:7:bob\nd:x:bad:bob\n";
        assert_eq!(member_of(g, b"bob").collect::<Vec<_>>(), [5, 7]);
        assert_eq!(member_of(g, b"nobody").count(), 0);
    }

    /// The table of s6-overlay's README (user and group `daemon` = 2).
    #[test]
    fn readme_table() {
        assert_eq!(r("daemon"), Ok((2, 2)));
        assert_eq!(r("daemon,3:4"), Ok((2, 2)));
        assert_eq!(r("2:2,3:4"), Ok((2, 2)));
        assert_eq!(r("daemon:11111,3:4"), Ok((2, 11111)));
        assert_eq!(r("11111:daemon,3:4"), Ok((11111, 2)));
        assert_eq!(r("daemon:daemon,3:4"), Ok((2, 2)));
        assert_eq!(r("daemon:unexisting,3:4"), Ok((2, 4)));
        assert_eq!(r("unexisting:daemon,3:4"), Ok((3, 2)));
        assert_eq!(r("11111:11111,3:4"), Ok((11111, 11111)));
    }

    #[test]
    fn no_fallback_never_means_root() {
        assert_eq!(r("nobody"), Err(UnknownUser(b"nobody")));
        assert_eq!(r("nobody:daemon"), Err(UnknownUser(b"nobody")));
        assert_eq!(r("daemon:nogroup"), Err(UnknownGroup(b"nogroup")));
        // A bare number is a user name (as s6-envuidgid without -n).
        assert_eq!(r("1000"), Err(UnknownUser(b"1000")));
        assert_eq!(r("1000:1000"), Ok((1000, 1000)));
        assert_eq!(r("mysql"), Ok((101, 102)));
        assert_eq!(r("nobody,32768:32768"), Ok((32768, 32768)));
        assert_eq!(r("4294967295:0"), Err(UnknownUser(b"4294967295")));
    }

    #[test]
    fn invalid_fields() {
        for s in ["", ",1:2", "a,1", "a,1:", "a,:2", "a,x:2", "a,1:2,3", ":g", "u:", "a,1:2:3", "a,-1:2"] {
            assert_eq!(r(s), Err(Invalid), "{s}");
        }
    }
}
