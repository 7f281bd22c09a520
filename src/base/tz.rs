//! Local time as glibc's `localtime()` finds it: `TZ` (`:` stripped; an
//! absolute path or a name under `/usr/share/zoneinfo`, else a POSIX TZ
//! string), or `/etc/localtime` when `TZ` is unset, else UTC. TZif files
//! (versions 1 to 4) are read with their 64-bit data and footer rule; POSIX
//! rules `Mm.w.d`, `Jn` and `n` with optional times are evaluated.
use crate::sys::arena;

#[derive(Clone, Copy, Default)]
struct Rule {
    std: i32,
    dst: Option<(i32, [i32; 4], [i32; 4])>,
}

pub struct Zone {
    /// Transition times, and the offset in force from each one on.
    trans: &'static [(i64, i32)],
    /// Offset before the first transition.
    first: i32,
    rule: Option<Rule>,
}

fn be(b: &[u8], n: usize) -> i64 {
    let mut v: i64 = if b[0] & 0x80 != 0 { -1 } else { 0 };
    for &x in &b[..n] {
        v = (v << 8) | x as i64;
    }
    v
}

/// The transitions and rule of a TZif file.
fn tzif(b: &[u8]) -> Option<Zone> {
    let cnt = |b: &[u8], k: usize| be(&b[20 + 4 * k..], 4) as usize;
    if b.len() < 44 || &b[..4] != b"TZif" {
        return None;
    }
    let (mut d, mut w) = (b, 4);
    let v1 = |d: &[u8], w: usize| {
        let (isut, isstd, leap, time, typ, chr) = (cnt(d, 0), cnt(d, 1), cnt(d, 2), cnt(d, 3), cnt(d, 4), cnt(d, 5));
        44 + time * (w + 1) + typ * 6 + chr + leap * (w + 4) + isstd + isut
    };
    if b[4] >= b'2' {
        d = b.get(v1(b, 4)..)?;
        w = 8;
        if d.len() < 44 {
            return None;
        }
    }
    let (time, typ) = (cnt(d, 3), cnt(d, 4));
    let tt = 44 + time * w;
    let ty = tt + time;
    if d.len() < ty + typ * 6 || typ == 0 {
        return None;
    }
    let off = |k: usize| be(&d[ty + 6 * k..], 4) as i32;
    let trans = arena::alloc_slice(time, (0i64, 0i32)).ok()?;
    for (k, t) in trans.iter_mut().enumerate() {
        let i = d[tt + k] as usize;
        *t = (be(&d[44 + k * w..], w), if i < typ { off(i) } else { 0 });
    }
    let mut rule = None;
    if w == 8 {
        let f = d.get(v1(d, 8)..)?;
        if f.first() == Some(&b'\n') {
            let e = f[1..].iter().position(|&c| c == b'\n')?;
            rule = posix(&f[1..1 + e]);
        }
    }
    Some(Zone { trans, first: off(0), rule })
}

struct P<'a>(&'a [u8], usize);
impl P<'_> {
    fn peek(&self) -> u8 {
        *self.0.get(self.1).unwrap_or(&0)
    }
    fn num(&mut self) -> Option<i32> {
        let s = self.1;
        let mut v = 0i32;
        while self.peek().is_ascii_digit() {
            v = v.saturating_mul(10).saturating_add((self.peek() - b'0') as i32);
            self.1 += 1;
        }
        (self.1 > s).then_some(v)
    }
    fn name(&mut self) -> Option<()> {
        let s = self.1;
        if self.peek() == b'<' {
            while self.peek() != b'>' {
                if self.peek() == 0 {
                    return None;
                }
                self.1 += 1;
            }
            self.1 += 1;
            return Some(());
        }
        while self.peek().is_ascii_alphabetic() {
            self.1 += 1;
        }
        (self.1 - s >= 3).then_some(())
    }
    /// `[+-]hh[:mm[:ss]]` in seconds.
    fn time(&mut self) -> Option<i32> {
        let neg = self.peek() == b'-';
        if matches!(self.peek(), b'+' | b'-') {
            self.1 += 1;
        }
        let mut v = self.num()? * 3600;
        let mut m = 60;
        while m > 0 && self.peek() == b':' {
            self.1 += 1;
            v += self.num()? * m;
            m /= 60;
        }
        Some(if neg { -v } else { v })
    }
    /// `Mm.w.d`, `Jn` or `n`, then `[/time]`: `[kind, a, b, c]` + time.
    fn date(&mut self) -> Option<[i32; 4]> {
        if self.peek() != b',' {
            return None;
        }
        self.1 += 1;
        let mut r = [0; 4];
        match self.peek() {
            b'M' => {
                self.1 += 1;
                r[0] = 2;
                #[allow(clippy::needless_range_loop)]
                for k in 1..4 {
                    if k > 1 {
                        (self.peek() == b'.').then_some(())?;
                        self.1 += 1;
                    }
                    r[k] = self.num()?;
                }
            }
            b'J' => {
                self.1 += 1;
                r[0] = 1;
                r[1] = self.num()?;
            }
            _ => r[1] = self.num()?,
        }
        let t = if self.peek() == b'/' {
            self.1 += 1;
            self.time()?
        } else {
            7200
        };
        // Pack the time in with the weekday: [kind, a, b, c] where for M
        // c = d + 8 * (time + 7 * 86400) keeps both.
        r[3] += 8 * (t + 7 * 86400);
        Some(r)
    }
}

/// A POSIX TZ string.
fn posix(s: &[u8]) -> Option<Rule> {
    let mut p = P(s, 0);
    p.name()?;
    let std = -p.time()?;
    if p.peek() == 0 {
        return Some(Rule { std, dst: None });
    }
    p.name()?;
    let dst = if matches!(p.peek(), b',' | 0) { std + 3600 } else { -p.time()? };
    let (a, b) = if p.peek() == 0 {
        // No rule: the US rules, as glibc's default.
        ([2, 3, 2, 8 * (7200 + 7 * 86400)], [2, 11, 1, 8 * (7200 + 7 * 86400)])
    } else {
        (p.date()?, p.date()?)
    };
    Some(Rule { std, dst: Some((dst, a, b)) })
}

/// Days since 1970-01-01 of a civil date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

fn leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// The Unix time at which a rule date falls in year `y`, given the offset
/// in force just before it.
fn when(r: &[i32; 4], y: i64, off: i32) -> i64 {
    let t = (r[3] / 8 - 7 * 86400) as i64;
    let jan1 = days_from_civil(y, 1, 1);
    let day = match r[0] {
        1 => jan1 + r[1] as i64 - 1 + (leap(y) && r[1] >= 60) as i64,
        0 => jan1 + r[1] as i64,
        _ => {
            let (m, w, wd) = (r[1] as u32, r[2] as i64, (r[3] % 8) as i64);
            let first = days_from_civil(y, m, 1);
            let fwd = (first + 4).rem_euclid(7); // 1970-01-01 was a Thursday
            let mut d = first + (wd - fwd).rem_euclid(7) + (w - 1) * 7;
            let next = if m == 12 { days_from_civil(y + 1, 1, 1) } else { days_from_civil(y, m + 1, 1) };
            while d >= next {
                d -= 7;
            }
            d
        }
    };
    day * 86400 + t - off as i64
}

impl Rule {
    fn offset(&self, t: i64) -> i32 {
        let Some((dst, a, b)) = self.dst else { return self.std };
        let y = civil_from_days((t + self.std as i64).div_euclid(86400)).0;
        let (s, e) = (when(&a, y, self.std), when(&b, y, dst));
        let in_dst = if s < e { t >= s && t < e } else { !(t >= e && t < s) };
        if in_dst { dst } else { self.std }
    }
}

impl Zone {
    pub const UTC: Zone = Zone { trans: &[], first: 0, rule: None };

    /// The zone of this process's environment.
    pub fn load(tz: Option<&[u8]>) -> Zone {
        let tz = match tz {
            None => b"/etc/localtime".as_slice(),
            Some(t) => t.strip_prefix(b":").unwrap_or(t),
        };
        if tz.is_empty() {
            return Zone::UTC;
        }
        let dir: &[u8] = if tz[0] == b'/' { b"" } else { b"/usr/share/zoneinfo/" };
        if !tz.windows(2).any(|w| w == b"..")
            && let Ok(p) = arena::cstr(&[dir, tz])
            && let Some(z) = super::fs::read_small(p).and_then(tzif)
        {
            return z;
        }
        Zone { trans: &[], first: 0, rule: posix(tz) }
    }

    /// Seconds east of UTC at Unix time `t`.
    pub fn offset(&self, t: i64) -> i32 {
        let k = self.trans.partition_point(|&(x, _)| x <= t);
        match (k, &self.rule) {
            (k, Some(r)) if k == self.trans.len() => r.offset(t),
            (0, _) => self.first,
            (k, _) => self.trans[k - 1].1,
        }
    }

    /// `YYYY-MM-DD HH:MM:SS` of Unix time `t` in this zone.
    /// The local date of `t` (Unix seconds) and the seconds into its day.
    pub fn civil(&self, t: i64) -> (i64, u32, u32, u32) {
        let l = t + self.offset(t) as i64;
        let (y, m, d) = civil_from_days(l.div_euclid(86400));
        (y, m, d, l.rem_euclid(86400) as u32)
    }

    /// `YYYY-MM-DD HH:MM:SS`, the local time of `t` (a year past 9999
    /// loses its high digits: callers that can meet one use [`Zone::civil`]).
    pub fn format(&self, t: i64, out: &mut [u8; 19]) {
        let (y, m, d, s) = self.civil(t);
        let mut put = |at: usize, v: u32, n: usize| {
            let mut v = v;
            for k in (0..n).rev() {
                out[at + k] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, y as u32, 4);
        put(5, m, 2);
        put(8, d, 2);
        put(11, s / 3600, 2);
        put(14, s / 60 % 60, 2);
        put(17, s % 60, 2);
        out[4] = b'-';
        out[7] = b'-';
        out[10] = b' ';
        out[13] = b':';
        out[16] = b':';
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn fmt(z: &Zone, t: i64) -> String {
        let mut b = [0u8; 19];
        z.format(t, &mut b);
        String::from_utf8(b.to_vec()).unwrap()
    }
    #[test]
    fn civil() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(fmt(&Zone::UTC, 1795872779), "2026-11-28 13:32:59");
    }
    #[test]
    fn posix_rules() {
        let z = Zone::load(Some(b"CET-1CEST,M3.5.0,M10.5.0/3"));
        // 2026-07-01 12:00 UTC is 14:00 CEST; 2026-01-01 12:00 UTC is 13:00 CET.
        assert_eq!(fmt(&z, 1782907200), "2026-07-01 14:00:00");
        assert_eq!(fmt(&z, 1767268800), "2026-01-01 13:00:00");
        // 2026-03-29 01:00 UTC: the switch.
        assert_eq!(fmt(&z, 1774745999), "2026-03-29 01:59:59");
        assert_eq!(fmt(&z, 1774746000), "2026-03-29 03:00:00");
        let z = Zone::load(Some(b"<+0530>-5:30"));
        assert_eq!(fmt(&z, 0), "1970-01-01 05:30:00");
    }
    #[test]
    fn tzif_files_agree_with_date() {
        for name in ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC"] {
            let path = format!("/usr/share/zoneinfo/{name}");
            if !std::path::Path::new(&path).exists() {
                panic!("{path} missing: apt-get install tzdata");
            }
            let z = Zone::load(Some(name.as_bytes()));
            for t in [0i64, 1_000_000_000, 1_700_000_000, 1_782_907_200, 2_200_000_000, 4_000_000_000] {
                let out = std::process::Command::new("date")
                    .env("TZ", name)
                    .args(["-d", &format!("@{t}"), "+%Y-%m-%d %H:%M:%S"])
                    .output()
                    .unwrap();
                assert_eq!(fmt(&z, t), String::from_utf8_lossy(&out.stdout).trim(), "{name} {t}");
            }
        }
    }
}
