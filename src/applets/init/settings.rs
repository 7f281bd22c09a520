//! The `S6_*` variables that PID 1 reads, with s6-overlay's defaults.
//!
//! Numbers are ASCII digits only (as v3 validates them with `^[0-9]+$`);
//! anything else gets a warning and the default. Booleans are integers:
//! unset or 0 is off, any other number is on.
use crate::base::{diag, num::parse_u64};
use crate::rt::Env;

/// Docker's default PATH, which s6-overlay's `/init` sets when PATH is unset.
pub use crate::s6::envdir::DEFAULT_PATH;

#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// `S6_KILL_GRACETIME`: ms between the final TERM and KILL (default 3000).
    pub kill_grace_ms: u64,
    /// `S6_CMD_RECEIVE_SIGNALS`: forward shutdown signals to the CMD.
    pub receive_signals: bool,
    /// `S6_CMD_ARG0`: words prepended to the CMD.
    pub cmd_arg0: Option<&'static [u8]>,
    /// `S6_KEEP_ENV`: children get the whole environment, no snapshot.
    pub keep_env: bool,
    /// `S6_BEHAVIOUR_IF_STAGE2_FAILS`: 0 go on, 1 go on with a warning,
    /// 2 (or more) stop the container with the failing step's code.
    pub stage2_fails: u64,
    /// `S6_KILL_FINISH_MAXTIME`: ms each cont-finish script may take (0: no limit).
    pub finish_max_ms: u64,
    /// `S6_VERBOSITY`: 0 errors, 1 and warnings, 2 (default) and progress lines.
    pub verbosity: u64,
    /// `S6_RUNTIME_PROFILE`: read `/etc/cont-profile.d/NAME/…` instead of `/etc/…`.
    pub profile: Option<&'static [u8]>,
    /// `S6_READ_ONLY_ROOT`: write nothing outside `/run`.
    pub read_only_root: bool,
    /// `S6_SYNC_DISKS`: sync() before the final TERM.
    pub sync_disks: bool,
    /// `S6_STAGE2_HOOK`: a shell snippet run first in stage 2.
    pub stage2_hook: Option<&'static [u8]>,
    /// `S6_SERVICES_GRACETIME`: ms the services get to stop (default 3000).
    pub services_grace_ms: u64,
    /// `S6_CMD_WAIT_FOR_SERVICES`: start the CMD once the services are up.
    pub wait_for_services: bool,
    /// `S6_CMD_WAIT_FOR_SERVICES_MAXTIME`: bound on that wait (0: none), set
    /// once the layout is known ([`wait_for_services_ms`]).
    pub wait_for_services_ms: u64,
    /// `S6_STOP_DELAY`: ms between a shutdown signal and the stop (default 0).
    pub stop_delay_ms: u64,
    /// `S6_WAIT_FOR_CLOSING_FD`: a descriptor (3 or more) to read until
    /// end of file before anything boots; 0, 1 and 2 mean no wait.
    pub closing_fd: u64,
}

impl Settings {
    pub fn read(env: &Env) -> Settings {
        Settings {
            kill_grace_ms: number(env, b"S6_KILL_GRACETIME", 3000),
            receive_signals: number(env, b"S6_CMD_RECEIVE_SIGNALS", 0) != 0,
            cmd_arg0: env.var(b"S6_CMD_ARG0").filter(|v| !v.is_empty()),
            keep_env: number(env, b"S6_KEEP_ENV", 0) != 0,
            stage2_fails: number(env, b"S6_BEHAVIOUR_IF_STAGE2_FAILS", 0),
            finish_max_ms: number(env, b"S6_KILL_FINISH_MAXTIME", 5000),
            verbosity: number(env, b"S6_VERBOSITY", 2),
            profile: env.var(b"S6_RUNTIME_PROFILE").filter(|v| !v.is_empty()),
            read_only_root: number(env, b"S6_READ_ONLY_ROOT", 0) != 0,
            sync_disks: number(env, b"S6_SYNC_DISKS", 0) != 0,
            stage2_hook: env.var(b"S6_STAGE2_HOOK").filter(|v| !v.is_empty()),
            services_grace_ms: number(env, b"S6_SERVICES_GRACETIME", 3000),
            wait_for_services: number(env, b"S6_CMD_WAIT_FOR_SERVICES", 0) != 0,
            // Its default depends on the layout: see `wait_for_services_ms`.
            wait_for_services_ms: 0,
            stop_delay_ms: number(env, b"S6_STOP_DELAY", 0),
            closing_fd: number(env, b"S6_WAIT_FOR_CLOSING_FD", 0),
        }
    }
}

/// `S6_CMD_WAIT_FOR_SERVICES_MAXTIME`: v2 bounds the wait by 5000 ms unless
/// told otherwise; v3 (since 3.2) waits as long as it takes (0).
pub fn wait_for_services_ms(env: &Env, v3: bool) -> u64 {
    number(env, b"S6_CMD_WAIT_FOR_SERVICES_MAXTIME", if v3 { 0 } else { 5000 })
}

/// A numeric variable; unset or empty gives the default, garbage a warning
/// and the default.
pub fn number(env: &Env, name: &[u8], default: u64) -> u64 {
    match env.var(name) {
        None | Some(b"") => default,
        Some(v) => match parse_u64(v) {
            Some(n) => n,
            None => {
                let mut d = itoa::Buffer::new();
                diag::warn(&[b"invalid ", name, b" value: ", v, b" (using ", d.format(default).as_bytes(), b")"]);
                default
            }
        },
    }
}

/// The words of `S6_CMD_ARG0`: split on spaces, tabs and newlines (v2 split
/// on newlines, v3 on the shell's IFS; no globbing in either case here).
pub fn arg0_words(v: &[u8]) -> impl Iterator<Item = &[u8]> {
    v.split(|c| matches!(c, b' ' | b'\t' | b'\n')).filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn words() {
        let w: Vec<&[u8]> = arg0_words(b" /bin/echo\tfoo \n bar ").collect();
        assert_eq!(w, vec![&b"/bin/echo"[..], b"foo", b"bar"]);
    }
}
